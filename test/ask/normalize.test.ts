import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanQuestion, stripMentions, tokenize } from '../../src/ask/normalize.ts';

describe('stripMentions', () => {
  it('removes Discord user, nickname, role and channel mentions and custom emoji', () => {
    expect(stripMentions('<@123456789012345678> is KRE <@!42> breaking out <@&987> <#555> <:kek:123> <a:party:456>?', 'discord')).toBe('is KRE breaking out ?');
  });

  it('removes Slack mentions with labels, special mentions and user groups, and keeps link labels', () => {
    expect(stripMentions('<@U0TAPEBOT> <@W123|bob> <!here> <!subteam^S1|@traders> biotech drawdown', 'slack')).toBe('biotech drawdown');
    expect(stripMentions('see <https://example.com/x|this chart> for <#C123|markets>', 'slack')).toBe('see this chart for');
  });

  it("undoes Slack's escaping so S&P reads as written, but an escaped mention stays text, not a mention", () => {
    expect(stripMentions('S&amp;P vs the Russell', 'slack')).toBe('S&P vs the Russell');
    // &lt;@U1&gt; is what Slack sends when someone literally typed "<@U1>": it was never a mention.
    expect(stripMentions('&lt;b&gt;', 'slack')).toBe('<b>');
    expect(stripMentions('S&amp;P', 'discord'), 'Discord does not escape: the text is left as typed').toBe('S&amp;P');
  });

  it('drops fenced code blocks whole, keeps the words of inline code, and drops @everyone / @here', () => {
    expect(stripMentions('compare ```rm -rf /\nls``` `IWM` and `QQQ` @everyone @here', 'discord')).toBe('compare IWM and QQQ');
  });

  it('removes zero-width and direction characters that would split or disguise a word', () => {
    expect(stripMentions('K\u200BR\u200DE\uFEFF break\u2060out \u202Eon', 'discord')).toBe('KRE breakout on');
  });

  it('normalises compatibility forms: full-width letters read as plain ones', () => {
    expect(stripMentions('ＫＲＥ　ｄｒａｗｄｏｗｎ', 'discord')).toBe('KRE drawdown');
  });

  it('removes a mention that only forms once another is removed', () => {
    // Found by the property below: "<!" + "<@123>" + ">" first left "<! >", a Slack special mention.
    expect(stripMentions('<!<@123>> KRE', 'discord')).toBe('KRE');
    expect(stripMentions('<`@1> KRE', 'discord'), 'inline-code backticks joined a mention').toBe('KRE');
  });

  it('is idempotent and never leaves a mention token or doubled whitespace (property)', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('<@123>', '<@!9>', '<@&7>', '<@U0X|name>', '<!here>', '```x```', '`y`', '\u200B', '&amp;', '@everyone', ' ', '\n\t'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.constantFrom('discord' as const, 'slack' as const, 'console' as const), (parts, platform) => {
        const once = stripMentions(parts.join(''), platform);
        expect(once, 'no mention survives').not.toMatch(/<@[!&]?[A-Za-z0-9]+(\|[^<>]*)?>/);
        expect(once, 'whitespace collapsed').not.toMatch(/\s{2}|^\s|\s$/);
        if (platform !== 'slack') expect(stripMentions(once, platform), 'cleaning twice changes nothing').toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('tokenize', () => {
  it('keeps S&P, decimals, $ and ^ tickers as one word, splits hyphens and drops a possessive', () => {
    expect(tokenize(cleanQuestion("how's the S & P 500 vs $KRE, ^RUT and tech-heavy QQQ's 612.50?")).map((t) => t.word)).toEqual([
      'how',
      'the',
      's&p',
      '500',
      'vs',
      'kre',
      '^rut',
      'and',
      'tech',
      'heavy',
      'qqq',
      '612.50',
    ]);
  });
});
