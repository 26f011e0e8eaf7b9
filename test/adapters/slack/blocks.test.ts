import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../src/answer/answer.ts';
import { decodeRerun } from '../../../src/adapters/rerun.ts';
import { answerMessage, fallbackText, imageFileIds, inviteHintText, LIMITS, PERIOD_ACTION_PREFIX, withoutImages } from '../../../src/adapters/slack/blocks.ts';
import { escapeMrkdwn, stripLeadingMentions, toMrkdwn, truncate, unescapeSlackText } from '../../../src/adapters/slack/mrkdwn.ts';

const answer: Answer = {
  command: 'compare',
  args: { symbols: 'IWM SPY', period: 'ytd' },
  title: 'IWM vs SPY · YTD',
  lines: ['**IWM leads** this year at +4.1%; SPY trails at +2.0%.', 'S&P <500> & friends'],
  facts: {},
  charts: [],
  asOf: '2025-06-30',
  source: 'bundled daily prices',
  basis: 'Returns use total return.',
  warnings: ['MAGS began trading Apr 2023.'],
  period: { option: 'period', value: 'ytd' },
};

type Block = { type: string; [k: string]: unknown };
/** Narrows a block for reading its fields in an assertion. */
const as = <T>(b: unknown): T => b as T;
const blocksOf = (a: Answer, images = [] as { fileId: string; altText: string; title: string }[]) => answerMessage(a, images).blocks as unknown as Block[];

describe('Slack mrkdwn', () => {
  it('escapes exactly &, < and > (Slack’s control characters)', () => {
    expect(escapeMrkdwn('a & b <c> "d" *e*'), 'quotes and asterisks are left alone').toBe('a &amp; b &lt;c&gt; "d" *e*');
  });

  it('turns **bold** into Slack’s *bold* after escaping', () => {
    expect(toMrkdwn('**IWM leads** by <2 pts>')).toBe('*IWM leads* by &lt;2 pts&gt;');
  });

  it('never leaves a raw < or > in translated text, and unescaping undoes escaping', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = toMrkdwn(s);
        expect(/[<>]/.test(out), `raw angle bracket in ${JSON.stringify(out)}`).toBe(false);
        expect(unescapeSlackText(escapeMrkdwn(s)), 'round trip').toBe(s);
      }),
    );
  });

  it('truncates to the limit with an ellipsis and never splits an entity', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3), 'fits: unchanged').toBe('abc');
    const cut = truncate('xx&amp;yy', 5);
    expect(cut.length).toBeLessThanOrEqual(5);
    expect(cut, '"&am" would render as garbage').not.toMatch(/&[a-z]*…$/);
  });

  it('strips leading bot mentions only', () => {
    expect(stripLeadingMentions('<@U0BOT> rotation 1m')).toBe('rotation 1m');
    expect(stripLeadingMentions('<@U0BOT|tapebot>  <@U0BOT> compare IWM SPY')).toBe('compare IWM SPY');
    expect(stripLeadingMentions('compare <@U1> x'), 'mentions later in the text stay').toBe('compare <@U1> x');
  });
});

describe('answerMessage', () => {
  it('lays out header, one section per line, image, context, period buttons — in that order', () => {
    const blocks = blocksOf(answer, [{ fileId: 'F0000000001', altText: 'Line chart of IWM and SPY', title: 'IWM vs SPY, this year' }]);
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'image', 'context', 'actions']);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'IWM vs SPY · YTD' } });
    expect(blocks[1], 'bold translated').toMatchObject({ text: { type: 'mrkdwn', text: '*IWM leads* this year at +4.1%; SPY trails at +2.0%.' } });
    expect(blocks[2], 'escaped').toMatchObject({ text: { text: 'S&amp;P &lt;500&gt; &amp; friends' } });
    expect(blocks[3]).toEqual({
      type: 'image',
      slack_file: { id: 'F0000000001' },
      alt_text: 'Line chart of IWM and SPY',
      title: { type: 'plain_text', text: 'IWM vs SPY, this year', emoji: true },
    });
  });

  it('puts source, as-of date, basis and warnings in the context footer', () => {
    const context = as<{ elements: { type: string; text: string }[] }>(blocksOf(answer).find((b) => b.type === 'context'));
    const texts = context.elements.map((e) => e.text);
    expect(texts[0], '2025-06-30 written out').toBe('Source: bundled daily prices · as of the close of Jun 30, 2025');
    expect(texts).toContain('Returns use total return.');
    expect(texts).toContain(':warning: MAGS began trading Apr 2023.');
  });

  it('offers 1M 3M YTD 1Y, marks the current period, and each button re-runs its own period', () => {
    const actions = as<{ elements: { text: { text: string }; action_id: string; value: string; style?: string }[] }>(blocksOf(answer).find((b) => b.type === 'actions'));
    expect(actions.elements.map((e) => e.text.text)).toEqual(['1M', '3M', 'YTD', '1Y']);
    expect(actions.elements.filter((e) => e.style === 'primary').map((e) => e.text.text), 'current period highlighted').toEqual(['YTD']);
    expect(new Set(actions.elements.map((e) => e.action_id)).size, 'action ids unique within the block').toBe(4);
    for (const e of actions.elements) expect(e.action_id.startsWith(PERIOD_ACTION_PREFIX)).toBe(true);
    const oneMonth = decodeRerun(actions.elements[0]?.value ?? '');
    expect(oneMonth).toEqual({ name: 'compare', args: { words: [], named: { period: '1m', symbols: 'IWM SPY' } } });
  });

  it('has no buttons for answers without a period, and none when asked not to', () => {
    const { period: _p, ...noPeriod } = answer;
    expect(blocksOf(noPeriod).some((b) => b.type === 'actions')).toBe(false);
    expect((answerMessage(answer, [], { buttons: false }).blocks as Block[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it('stays within Slack’s limits for huge answers', () => {
    const huge: Answer = { ...answer, title: 'T'.repeat(400), lines: Array.from({ length: 80 }, (_, i) => `line ${i} ${'x'.repeat(100)}`), warnings: Array.from({ length: 15 }, (_, i) => `warning ${i}`) };
    const blocks = blocksOf(huge, [{ fileId: 'F0000000001', altText: 'a'.repeat(5000), title: 't' }]);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(as<{ text: { text: string } }>(blocks[0]).text.text.length).toBeLessThanOrEqual(150);
    const sectionText = blocks.filter((b) => b.type === 'section').map((b) => as<{ text: { text: string } }>(b).text.text);
    for (const t of sectionText) expect(t.length).toBeLessThanOrEqual(3000);
    // 50 blocks − header, image, context, actions = 46 sections: lines 45… share the last one.
    expect(sectionText.length).toBe(46);
    expect(sectionText[45], 'lines past the block budget join the last section').toMatch(/^line 45 x+\nline 46 /);
    const context = as<{ elements: unknown[] }>(blocks.find((b) => b.type === 'context'));
    expect(context.elements.length, 'context holds at most 10 elements').toBeLessThanOrEqual(10);
    expect(as<{ alt_text: string }>(blocks.find((b) => b.type === 'image')).alt_text.length).toBeLessThanOrEqual(2000);
  });

  it('has a notification text with the title and first line, without markup', () => {
    expect(fallbackText(answer)).toBe('IWM vs SPY · YTD: IWM leads this year at +4.1%; SPY trails at +2.0%.');
  });

  it('can drop its images and say why, keeping everything else', () => {
    const m = answerMessage(answer, [{ fileId: 'F0000000001', altText: 'a', title: 't' }]);
    const without = withoutImages(m, 'The chart could not be attached this time.');
    const types = (without.blocks as Block[]).map((b) => b.type);
    expect(types).toEqual(['header', 'section', 'section', 'context', 'actions']);
    const context = as<{ elements: { text: string }[] }>((without.blocks as Block[]).find((b) => b.type === 'context'));
    expect(context.elements.at(-1)?.text).toContain('could not be attached');
    expect(imageFileIds(m.blocks), 'the image’s file id is found for clean-up').toEqual(['F0000000001']);
    expect(imageFileIds(without.blocks)).toEqual([]);
  });

  it('puts a question’s Read-as line first, escaped, and still fits 50 blocks', () => {
    const m = answerMessage(answer, [], { lead: 'Read as: /compare IWM SPY ytd — <!channel> & co' });
    const blocks = m.blocks as Block[];
    expect(blocks.map((b) => b.type).slice(0, 2)).toEqual(['context', 'header']);
    expect(as<{ elements: { text: string }[] }>(blocks[0]).elements[0]?.text, 'a typed "<!channel>" cannot ping anyone').toBe('Read as: /compare IWM SPY ytd — &lt;!channel&gt; &amp; co');
    const huge: Answer = { ...answer, lines: Array.from({ length: 80 }, (_, i) => `line ${i}`) };
    const many = answerMessage(huge, [{ fileId: 'F0000000001', altText: 'a', title: 't' }], { lead: 'Read as: /compare IWM SPY' }).blocks;
    expect(many.length, 'the lead takes a section’s place, not a 51st block').toBe(LIMITS.blocks);
  });

  it('notes a dropped image in the footer, not in the Read-as line above the answer', () => {
    const m = answerMessage(answer, [{ fileId: 'F0000000001', altText: 'a', title: 't' }], { lead: 'Read as: /compare IWM SPY ytd' });
    const without = withoutImages(m, 'The chart could not be attached this time.').blocks as Block[];
    expect(without.map((b) => b.type)).toEqual(['context', 'header', 'section', 'section', 'context', 'actions']);
    expect(as<{ elements: unknown[] }>(without[0]).elements, 'the lead is untouched').toHaveLength(1);
    expect(JSON.stringify(without[4]), 'the note joins the footer').toContain('could not be attached');
  });

  it('tells people how to invite the bot, by mention when its id is known', () => {
    expect(inviteHintText('U0FAKEBOT1')).toContain('/invite <@U0FAKEBOT1>');
    expect(inviteHintText(undefined)).toContain('/invite @tapebot');
    expect(inviteHintText('U0FAKEBOT1', 'D0DIRECT01'), 'nobody can invite a bot into someone else’s DM').not.toContain('/invite');
  });
});
