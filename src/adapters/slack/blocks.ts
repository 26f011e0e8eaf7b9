/**
 * The Slack adapter's one function from an Answer to a message: Block Kit blocks plus the plain
 * `text` Slack shows in notifications and to clients that cannot draw blocks.
 *
 *   context  optional lead line above the answer (a question's "Read as: /compare IWM QQQ since:2026-06-01")
 *   header   the title
 *   section  one per line (mrkdwn)
 *   image    one per chart, referencing a file uploaded beforehand (`slack_file`), with alt text
 *   context  source · as-of, basis, warnings
 *   actions  period buttons 1M · 3M · YTD · 1Y, each carrying its own re-run
 *
 * Field limits are Slack's (https://docs.slack.dev/reference/block-kit/blocks); Slack rejects the
 * whole message with `invalid_blocks` when one is exceeded, so every field is cut to fit here.
 */
import type { types } from '@slack/bolt';
import type { Answer } from '../../answer/answer.ts';
import { plainText } from '../../answer/answer.ts';
import { formatDate } from '../../core/format.ts';
import { encodeMore, periodButtons } from '../rerun.ts';
import { escapeMrkdwn, toMrkdwn, truncate } from './mrkdwn.ts';

type KnownBlock = types.KnownBlock;

export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  altText: 2000,
  imageTitle: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  /** Slack accepts up to 40,000 characters of `text` but truncates long ones; notifications show the start. */
  fallbackText: 3000,
} as const;

/** `action_id` of every period button starts with this; the rest is the period, e.g. `tapebot_period_ytd`. */
export const PERIOD_ACTION_PREFIX = 'tapebot_period_';
export const PERIOD_BLOCK_ID = 'tapebot_periods';
/** `action_id` of the More button: shows the answer's detail (Answer.detail) in place, via chat.update. */
export const MORE_ACTION_ID = 'tapebot_more';
/** Every button handled by the re-run listener (handlers.ts): a period or More. */
export const RERUN_ACTION = new RegExp(`^(?:${PERIOD_ACTION_PREFIX}|${MORE_ACTION_ID}$)`);

/** A chart already uploaded to Slack, ready to be shown by file id. */
export interface SlackImage {
  fileId: string;
  altText: string;
  title: string;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface AnswerMessageOptions {
  /** A line added to the footer, e.g. when the chart could not be attached. */
  note?: string;
  /** Period buttons under the answer (default true; false where a click could not update the message). */
  buttons?: boolean;
  /** A line above the answer, as plain words (escaped here): a question's "Read as: /…". */
  lead?: string;
}

export function answerMessage(answer: Answer, images: readonly SlackImage[], opts: AnswerMessageOptions = {}): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (opts.lead !== undefined && opts.lead.trim() !== '') {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(escapeMrkdwn(opts.lead), LIMITS.contextText) }] });
  }
  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(answer.title, LIMITS.headerText), emoji: true } });

  const footer = footerBlock(answer, opts.note);
  const actions = opts.buttons === false ? null : periodActions(answer);
  const imageBlocks: KnownBlock[] = images.map((img) => ({
    type: 'image',
    slack_file: { id: img.fileId },
    alt_text: truncate(img.altText, LIMITS.altText),
    title: { type: 'plain_text', text: truncate(img.title, LIMITS.imageTitle), emoji: true },
  }));

  // Lines get whatever room the other blocks leave; beyond that they share the last section.
  const room = LIMITS.blocks - blocks.length - imageBlocks.length - (footer ? 1 : 0) - (actions ? 1 : 0);
  blocks.push(...lineSections(answer.lines, Math.max(1, room)));
  blocks.push(...imageBlocks);
  if (footer) blocks.push(footer);
  if (actions) blocks.push(actions);
  return { text: fallbackText(answer), blocks };
}

/** The notification text: the title and the first line, escaped. */
export function fallbackText(answer: Answer): string {
  const first = answer.lines[0];
  const text = first === undefined ? answer.title : `${answer.title}: ${plainText(first)}`;
  return truncate(escapeMrkdwn(text), LIMITS.fallbackText);
}

function lineSections(lines: readonly string[], maxSections: number): KnownBlock[] {
  const texts = lines.map(toMrkdwn).filter((t) => t.trim().length > 0);
  const groups: string[] = [];
  for (const t of texts) {
    if (groups.length < maxSections) groups.push(t);
    else groups[groups.length - 1] = `${groups[groups.length - 1] ?? ''}\n${t}`;
  }
  return groups.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } }));
}

function footerBlock(answer: Answer, note: string | undefined): KnownBlock | null {
  const texts: string[] = [];
  const meta: string[] = [];
  if (answer.source) meta.push(`Source: ${answer.source}`);
  if (answer.asOf) meta.push(`as of the close of ${formatDate(answer.asOf)}`);
  if (meta.length > 0) texts.push(escapeMrkdwn(meta.join(' · ')));
  if (answer.basis) texts.push(escapeMrkdwn(answer.basis));
  for (const w of answer.warnings) texts.push(`:warning: ${escapeMrkdwn(w)}`);
  if (note) texts.push(`:information_source: ${escapeMrkdwn(note)}`);
  if (texts.length === 0) return null;
  // Context blocks hold at most 10 elements: the overflow joins the last one.
  const elements = texts.slice(0, LIMITS.contextElements - 1);
  const rest = texts.slice(LIMITS.contextElements - 1);
  if (rest.length > 0) elements.push(rest.join('\n'));
  return { type: 'context', elements: elements.map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.contextText) })) };
}

function periodActions(answer: Answer): KnownBlock | null {
  const buttons = periodButtons(answer, LIMITS.buttonValue);
  const more = encodeMore(answer, LIMITS.buttonValue);
  if (buttons.length === 0 && more === null) return null;
  return {
    type: 'actions',
    block_id: PERIOD_BLOCK_ID,
    elements: [
      ...buttons.map((b) => ({
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: truncate(b.label, LIMITS.buttonText) },
        action_id: `${PERIOD_ACTION_PREFIX}${b.label.toLowerCase()}`,
        value: b.id,
        ...(b.current ? { style: 'primary' as const } : {}),
      })),
      ...(more === null ? [] : [{ type: 'button' as const, text: { type: 'plain_text' as const, text: 'More' }, action_id: MORE_ACTION_ID, value: more }]),
    ],
  };
}

/** Drops the image blocks of a message (when Slack would not accept the uploaded file) and says so. */
export function withoutImages(message: SlackMessage, note: string): SlackMessage {
  const blocks = message.blocks.filter((b) => b.type !== 'image');
  // The footer: the context block after the header (one before it is the lead line).
  const headerAt = blocks.findIndex((b) => b.type === 'header');
  const contextAt = blocks.findIndex((b, i) => i > headerAt && b.type === 'context');
  const noteElement = { type: 'mrkdwn' as const, text: `:information_source: ${escapeMrkdwn(note)}` };
  const context = blocks[contextAt];
  if (context && context.type === 'context') {
    const elements = [...context.elements];
    const last = elements[elements.length - 1];
    if (elements.length < LIMITS.contextElements) elements.push(noteElement);
    else if (last && last.type === 'mrkdwn') elements[elements.length - 1] = { ...last, text: truncate(`${last.text}\n${noteElement.text}`, LIMITS.contextText) };
    blocks[contextAt] = { ...context, elements };
  } else {
    const actionsAt = blocks.findIndex((b) => b.type === 'actions');
    blocks.splice(actionsAt < 0 ? blocks.length : actionsAt, 0, { type: 'context', elements: [noteElement] });
  }
  return { text: message.text, blocks };
}

/** The ids of the uploaded files a message shows (to delete them once the message is replaced). */
export function imageFileIds(blocks: readonly unknown[] | undefined): string[] {
  const ids: string[] = [];
  for (const b of blocks ?? []) {
    if (typeof b !== 'object' || b === null) continue;
    const file = (b as { type?: unknown; slack_file?: { id?: unknown } }).slack_file;
    if ((b as { type?: unknown }).type === 'image' && typeof file?.id === 'string') ids.push(file.id);
  }
  return ids;
}

/** An error for the person who asked only. Never a stack trace: `message` comes from describeError. */
export function errorText(message: string): string {
  return `:warning: ${escapeMrkdwn(message)}`;
}

/**
 * What to do when the bot cannot post where the command was typed. Channels (public `C…`, private
 * `G…`) take an invitation; a direct message between other people (`D…`) cannot include the bot.
 */
export function inviteHintText(botUserId: string | undefined, channelId = ''): string {
  const me = botUserId ? `<@${botUserId}>` : '@tapebot';
  if (channelId.startsWith('D')) return `:wave: I can't post in this direct message. Try the command in a channel I'm in, or send it to me directly (${me}).`;
  return `:wave: I can't post in this conversation yet. Invite me with /invite ${me}, then try again.`;
}
