import { describe, expect, it } from 'vitest';
import { ButtonStyle } from 'discord.js';
import { answerReply, CHART_FAILED_NOTE, EMBED_LIMITS } from '../../../src/adapters/discord/reply.ts';
import { decodeRerun } from '../../../src/adapters/rerun.ts';
import type { Answer } from '../../../src/answer/answer.ts';
import type { RenderedChart } from '../../../src/charts/renderer.ts';

/** The 8-byte PNG signature and nothing else: enough for a file, not drawn by anyone. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function answer(over: Partial<Answer> = {}): Answer {
  return {
    command: 'compare',
    args: { symbols: 'IWM SPY', period: '3m' },
    title: 'IWM vs SPY · 3M',
    lines: ['**IWM leads** over the past 3 months at +4.0%; SPY trails at +1.0%.', 'On Aug 21, 2026: IWM +0.50%, SPY +0.10%.'],
    facts: {},
    charts: [],
    asOf: '2026-08-21',
    source: 'bundled daily prices',
    basis: 'Returns use total return.',
    warnings: [],
    period: { option: 'period', value: '3m' },
    ...over,
  };
}

const chart = (id: string, altText = `Alt text of ${id}`): RenderedChart => ({ id, altText, png: PNG, fileName: `${id}.png` });

describe('answerReply: an Answer as a Discord message', () => {
  it('puts the title, the lines (bold kept: Discord markdown) and the source in one embed', () => {
    const r = answerReply(answer(), []);
    const [e] = r.embeds;
    expect(e?.title).toBe('IWM vs SPY · 3M');
    expect(e?.description, 'lines joined, **bold** left as is').toBe('**IWM leads** over the past 3 months at +4.0%; SPY trails at +1.0%.\nOn Aug 21, 2026: IWM +0.50%, SPY +0.10%.');
    expect(e?.footer?.text, 'source and as-of date in words').toBe('Source: bundled daily prices · as of the close of Aug 21, 2026\nReturns use total return.');
    expect(typeof e?.color, 'an accent colour').toBe('number');
    expect(r.allowedMentions, 'nothing typed by anyone pings anyone').toEqual({ parse: [] });
  });

  it('attaches each chart with its alt text and shows it inside an embed', () => {
    const r = answerReply(answer(), [chart('compare'), chart('drawdown')]);
    expect(r.files.map((f) => f.name)).toEqual(['compare.png', 'drawdown.png']);
    expect(r.files.map((f) => f.description), 'alt text for screen readers').toEqual(['Alt text of compare', 'Alt text of drawdown']);
    expect(r.embeds[0]?.image?.url, 'first chart in the main embed').toBe('attachment://compare.png');
    expect(r.embeds[1]?.image?.url, 'one more embed per further chart').toBe('attachment://drawdown.png');
    expect(r.embeds).toHaveLength(2);
    expect(r.attachments, 'an edit keeps only the new files').toEqual([]);
  });

  it('gives two charts with one id different file names', () => {
    const r = answerReply(answer(), [chart('x'), chart('x')]);
    expect(new Set(r.files.map((f) => f.name)).size, 'attachment://x.png would be ambiguous').toBe(2);
  });

  it('lists warnings in a field, and says when the chart could not be drawn', () => {
    const r = answerReply(answer({ warnings: ['MAGS began trading Apr 2023.'] }), [], { chartFailed: true });
    const field = r.embeds[0]?.fields?.[0];
    expect(field?.name).toBe('⚠ Notes');
    expect(field?.value).toBe(`• MAGS began trading Apr 2023.\n• ${CHART_FAILED_NOTE}`);
  });

  it('adds the 1M · 3M · YTD · 1Y buttons, the current one highlighted and not clickable', () => {
    const [row] = answerReply(answer(), []).components;
    const buttons = row?.components ?? [];
    expect(buttons.map((b) => b.label)).toEqual(['1M', '3M', 'YTD', '1Y']);
    const current = buttons.find((b) => b.label === '3M');
    expect(current?.style, 'current period stands out').toBe(ButtonStyle.Primary);
    expect(current?.disabled).toBe(true);
    for (const b of buttons.filter((x) => x.label !== '3M')) {
      expect(b.style).toBe(ButtonStyle.Secondary);
      expect(b.disabled).toBe(false);
      // Each id carries the whole invocation, so a click works after a restart.
      expect(decodeRerun(b.custom_id), b.label).toEqual({ name: 'compare', args: { words: [], named: { period: (b.label ?? '').toLowerCase(), symbols: 'IWM SPY' } } });
    }
  });

  it('adds no buttons to an answer without a period', () => {
    expect(answerReply(answer({ period: undefined }), []).components).toEqual([]);
  });

  it('keeps within Discord’s limits by dropping whole lines, never half a sentence', () => {
    const line = `${'x'.repeat(99)}.`;
    const long = answer({ lines: Array.from({ length: 100 }, () => line), warnings: Array.from({ length: 40 }, () => 'w'.repeat(60)), title: 't'.repeat(300) });
    const [e] = answerReply(long, []).embeds;
    expect(e?.title?.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
    const desc = e?.description ?? '';
    expect(desc.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    const shownLines = desc.split('\n');
    expect(shownLines.at(-1), 'an ellipsis line marks the cut').toBe('…');
    for (const l of shownLines.slice(0, -1)) expect(l, 'only whole lines').toBe(line);
    expect(e?.fields?.[0]?.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    const total = (e?.title?.length ?? 0) + desc.length + (e?.footer?.text.length ?? 0) + (e?.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total, 'all embed text together').toBeLessThanOrEqual(EMBED_LIMITS.total);
  });

  it('has no footer when there is no source or date (e.g. /help)', () => {
    const [e] = answerReply(answer({ source: null, asOf: null, basis: undefined, period: undefined }), []).embeds;
    expect(e?.footer).toBeUndefined();
  });
});
