/**
 * From a chat message to the words of a question: mentions, code and invisible characters out,
 * then one token per word. Nothing here knows any market word; vocabulary.ts does.
 */

export type AskPlatform = 'discord' | 'slack' | 'console';

/** Longest question read; anything longer is answered with a request for one short question. */
export const MAX_QUESTION_CHARS = 400;

/**
 * Mention and reference tokens of both platforms:
 * Discord `<@123>` `<@!123>` (users), `<@&123>` (roles), `<#123>` (channels), `<:name:123>` `<a:name:123>` (custom emoji),
 * `</cmd:123>` (command links); Slack `<@U123>` `<@U123|name>`, `<!here>` `<!subteam^S1|@team>`, `<#C123|general>`.
 */
const MENTION_TOKENS = /<(?:@[!&]?[A-Za-z0-9]+(?:\|[^<>]*)?|![^<>]*|#[A-Za-z0-9]+(?:\|[^<>]*)?|a?:[A-Za-z0-9_~]+:\d+|\/[^<>:]+:\d+)>/g;
/** Slack links `<https://example.com|label>`: the label is what the person wrote. */
const SLACK_LINK = /<(?:https?|mailto):[^|<>]*(?:\|([^<>]*))?>/g;
const PLAIN_PINGS = /@(?:everyone|here|channel)\b/gi;
/** Zero-width and direction-control characters, the soft hyphen and the BOM: invisible, and they split words. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;
/** Control characters other than whitespace. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Removes mention tokens (`<@U123>`, `<@!123>`, `<@&123>`, channel and emoji references, @everyone),
 * fenced code blocks (a pasted block is not the question), the backticks of inline code (its words are
 * kept) and invisible characters, and collapses whitespace. Slack's escaping of `&`, `<` and `>` is
 * undone first, so "S&amp;P" reads "S&P".
 */
export function stripMentions(text: string, platform: AskPlatform): string {
  let t = text.normalize('NFKC').replace(INVISIBLE, '').replace(CONTROL, ' ');
  if (platform === 'slack') {
    // Entities first would turn an escaped "&lt;@U1&gt;" into a live-looking mention; Slack only escapes literal text.
    t = t.replace(MENTION_TOKENS, ' ').replace(SLACK_LINK, (_m, label: string | undefined) => ` ${label ?? ''} `);
    t = t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  // Removing one token can join its neighbours into another ("<!<@1>>" leaves "<! >", "<`@1>" leaves "<@1>"),
  // so clean until nothing changes (a pass never lengthens the text, so this ends).
  for (let before = ''; before !== t; ) {
    before = t;
    t = t
      .replace(MENTION_TOKENS, ' ')
      .replace(PLAIN_PINGS, ' ')
      .replace(/```[\s\S]*?```/g, ' ')
      .replace(/`+/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return t;
}

export interface Token {
  /** As written (for ALL-CAPS and `$` tickers). */
  readonly raw: string;
  /** Lower case, `$` and a possessive `'s` dropped: what vocabulary phrases match. */
  readonly word: string;
  /** Offsets in the cleaned text, for reading a date that follows "since". */
  readonly start: number;
  readonly end: number;
}

/** Letters and digits, with `&`, `.` or `'` inside a word ("s&p", "612.50", "how's"), and a leading `$` or `^`. */
const WORD = /[$^]?[\p{L}\p{N}]+(?:[&.'][\p{L}\p{N}]+)*/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const start = m.index;
    const word = raw
      .toLowerCase()
      .replace(/^\$/, '')
      .replace(/'s$/, '')
      .replace(/'/g, '');
    if (word.length > 0) out.push({ raw, word, start, end: start + raw.length });
  }
  return out;
}

/** Cleans a question for reading: what stripMentions does, plus `S & P` written as one word. */
export function cleanQuestion(text: string): string {
  return stripMentions(text, 'console')
    .replace(/[‘’‛′]/g, "'")
    .replace(/\bs\s*&\s*p\b/gi, 'S&P')
    .replace(/\bs\s*\+\s*p\b/gi, 'S&P');
}
