/**
 * The Discord adapter's one function from an Answer to a native reply: an embed (title, the lines,
 * warnings, source footer), the charts as PNG attachments with alt text shown inside the embed, and
 * the period buttons. Pure data in, message options out; nothing here talks to Discord.
 */
import {
  AttachmentBuilder,
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import type { Answer } from '../../answer/answer.ts';
import type { RenderedChart } from '../../charts/renderer.ts';
import { formatDate } from '../../core/format.ts';
import { encodeMore, periodButtons } from '../rerun.ts';
import { at } from '../../core/at.ts';

/** Discord's embed and message limits (message-resource docs). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** All embeds of one message together. */
  total: 6000,
  embeds: 10,
  attachments: 10,
  attachmentDescription: 1024,
} as const;

/** tapebot's accent colour on the embed's left edge. */
export const EMBED_COLOR = 0x2f6fdf;

/** Said under an answer whose chart could not be drawn; the numbers still stand. */
export const CHART_FAILED_NOTE = 'The chart could not be drawn this time; the numbers above stand.';

export interface DiscordReply {
  embeds: APIEmbed[];
  files: AttachmentBuilder[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  /**
   * Always empty: discord.js adds the new files to it, and an edit then drops every attachment that
   * is not listed — so a re-run with another period replaces the old chart instead of adding to it.
   */
  attachments: [];
  allowedMentions: { parse: [] };
}

function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Whole lines while they fit, then an ellipsis line: a sentence is never cut in half. */
function fitLines(lines: readonly string[], max: number): string {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = line.length + (out.length > 0 ? 1 : 0);
    if (used + cost > max - 2) {
      out.push(out.length === 0 ? fit(line, max) : '…');
      break;
    }
    out.push(line);
    used += cost;
  }
  return out.join('\n');
}

function footerText(answer: Answer): string | undefined {
  const meta: string[] = [];
  if (answer.source) meta.push(`Source: ${answer.source}`);
  if (answer.asOf) meta.push(`as of the close of ${formatDate(answer.asOf)}`);
  const parts = [meta.join(' · '), answer.basis ?? ''].filter((p) => p.length > 0);
  return parts.length > 0 ? fit(parts.join('\n'), EMBED_LIMITS.footer) : undefined;
}

function embedLength(e: APIEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

/** Unique, upload-safe file names in chart order (two charts with one id must not share a file). */
function uniqueNames(charts: readonly RenderedChart[]): string[] {
  const used = new Set<string>();
  return charts.map((c, k) => {
    let name = c.fileName;
    if (used.has(name)) name = name.replace(/\.png$/, `-${k + 1}.png`);
    used.add(name);
    return name;
  });
}

export interface AnswerReplyOptions {
  /** The charts could not be drawn: say so under the numbers. */
  chartFailed?: boolean;
}

/** The reply for an Answer and its drawn charts (in the Answer's order). */
export function answerReply(answer: Answer, charts: readonly RenderedChart[], opts: AnswerReplyOptions = {}): DiscordReply {
  const shown = charts.slice(0, Math.min(EMBED_LIMITS.embeds, EMBED_LIMITS.attachments));
  const names = uniqueNames(shown);
  const files = shown.map((c, k) => new AttachmentBuilder(c.png, { name: at(names, k), description: fit(c.altText, EMBED_LIMITS.attachmentDescription) }));

  const notes = [...answer.warnings, ...(opts.chartFailed ? [CHART_FAILED_NOTE] : [])];
  const main: APIEmbed = { color: EMBED_COLOR, title: fit(answer.title, EMBED_LIMITS.title) };
  if (notes.length > 0) {
    main.fields = [{ name: notes.length === 1 ? '⚠ Note' : '⚠ Notes', value: fitLines(notes.map((n) => `• ${n}`), EMBED_LIMITS.fieldValue) }];
  }
  const footer = footerText(answer);
  if (footer) main.footer = { text: footer };
  if (names[0]) main.image = { url: `attachment://${names[0]}` };
  // The description gets what the other parts leave of the 6000-character budget.
  const room = Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - embedLength(main));
  if (answer.lines.length > 0) main.description = fitLines(answer.lines, room);

  const embeds = [main, ...names.slice(1).map((n): APIEmbed => ({ color: EMBED_COLOR, image: { url: `attachment://${n}` } }))];

  const buttons = periodButtons(answer);
  const row: APIButtonComponentWithCustomId[] = buttons.map((b) => ({
    type: ComponentType.Button,
    style: b.current ? ButtonStyle.Primary : ButtonStyle.Secondary,
    label: b.label,
    custom_id: b.id,
    // The period already shown: highlighted, and not clickable.
    disabled: b.current,
  }));
  // The rest of the answer (Answer.detail), on request: the click edits this reply in place.
  const more = encodeMore(answer);
  if (more) row.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'More', custom_id: more });
  const components: DiscordReply['components'] = row.length === 0 ? [] : [{ type: ComponentType.ActionRow, components: row }];

  return { embeds, files, components, attachments: [], allowedMentions: { parse: [] } };
}

/** The text of an error reply: only the person who asked sees it. */
export function errorText(message: string): string {
  return fit(`⚠ ${message}`, 2000);
}
