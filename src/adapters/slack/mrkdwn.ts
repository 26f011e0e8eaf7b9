/**
 * Slack's text rules, in one place. Slack treats `&`, `<` and `>` as control characters in every
 * mrkdwn field (they start links, mentions and entities), so literal ones must be sent as `&amp;`,
 * `&lt;` and `&gt;`; Slack sends them to us escaped the same way.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */

/** Escapes the three characters Slack reserves; nothing else is escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Undoes Slack's escaping of what a person typed (slash-command and message text arrive escaped). */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** An Answer line (whose only markup is `**bold**`) as Slack mrkdwn: escaped, bold as `*bold*`. */
export function toMrkdwn(line: string): string {
  return escapeMrkdwn(line).replace(/\*\*(.+?)\*\*/g, '*$1*');
}

/** Cuts text to at most `max` characters (Slack rejects longer fields outright), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not leave half an escape sequence (`&am…`) at the cut.
  const cut = text.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '');
  return `${cut}…`;
}

/**
 * Takes the words after a leading bot mention: "<@U0BOT> rotation 1m" → "rotation 1m".
 * Mentions arrive as `<@U…>` (optionally `<@U…|name>`).
 */
export function stripLeadingMentions(text: string): string {
  return text.replace(/^(\s*<@[A-Z0-9]+(\|[^>]*)?>\s*)+/, '').trim();
}
