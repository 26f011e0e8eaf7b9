/**
 * The one way anything a person typed is shown back to them ("`3x` is not a period I know", "I read
 * that as `/compare …`"): as inline code, cut to a short length, with links and mentions broken so
 * that no platform renders them. An echo can then never post someone's markup as the bot's own:
 * a masked link `[Claim airdrop](https://evil.example)`, Slack's `<https://x|click>` or `<!channel>`,
 * `@everyone`, a 100 KB value.
 */

/** Longest echo, in characters of what was typed (the ellipsis marks a cut). */
export const MAX_ECHO_CHARS = 40;

const ZWSP = '\u200b';

/** What was typed, made inert: one line, no backticks (they would end the code span), links and mentions broken. */
export function neutralise(text: string): string {
  return (
    text
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/`/g, "'")
      // URLs and e-mail-like links stop being links once "://" and "www." are split.
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`)
      // Mentions (@everyone, @here, @channel) and Discord's [text](url). `<`, which starts Slack's <!channel> and
      // <url|text>, is escaped by the Slack adapter, and Discord shows <@id> in a code span as typed.
      .replace(/@/g, `@${ZWSP}`)
      .replace(/\]\(/g, `]${ZWSP}(`)
  );
}

/** `text` as inline code: neutralised and at most `max` characters of it. */
export function echo(text: string, max = MAX_ECHO_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
  return `\`${neutralise(cut) || ' '}\``;
}
