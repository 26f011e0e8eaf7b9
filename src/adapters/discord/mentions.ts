/**
 * Questions in plain words: "@tapebot is KRE breaking out?" in a server channel, or any message in a
 * DM with the bot, answered like the command it reads as (src/ask).
 *
 * What arrives: MESSAGE_CREATE, through the GuildMessages and DirectMessages intents (neither
 * privileged). Without the privileged MessageContent intent Discord still delivers the content of DMs
 * and of messages that mention the app — exactly the messages answered here — and empty content for
 * the rest, which are ignored anyway.
 *
 * Where the answer goes:
 *   server text channel   a thread started on the question, holding "Read as: /…" and the same embed,
 *                         PNG and period buttons as the slash command (reply.ts); where the bot may
 *                         not start threads, a reply to the question instead
 *   thread or DM          a reply to the question, in place
 * A question that cannot be read gets a question back as a plain reply, never a thread; what was typed
 * is only ever shown as inline code (src/echo.ts). Every question is charged to the person's rate
 * limit first; messages have no ephemeral replies, so a refused question gets a reaction (the first
 * time) or nothing, never a public message. None carries a stack trace.
 */
import { ChannelType, RESTJSONErrorCodes, type Message } from 'discord.js';
import type { Answer } from '../../answer/answer.ts';
import { answerQuestion } from '../../ask/answer.ts';
import { stripMentions } from '../../ask/normalize.ts';
import { buildLexicon, type Lexicon } from '../../ask/lexicon.ts';
import type { DailySeries } from '../../core/series.ts';
import { renderAnswerCharts, type ChartRenderer, type RenderedChart } from '../../charts/renderer.ts';
import type { CommandRunner } from '../../command/run.ts';
import type { SymbolDirectory } from '../../data/symbols.ts';
import { describeError, newErrorRef, ShuttingDownError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { answerReply, errorText, type DiscordReply } from './reply.ts';
import type { AckFirstScheduler } from '../ack-first.ts';

export interface MentionDeps {
  runner: CommandRunner;
  renderer: ChartRenderer;
  symbols: SymbolDirectory;
  logger: Logger;
  /** The data's latest close, for relative dates ("since june"); without it such questions ask for a date. */
  asOf?: () => Promise<string>;
  /** The phrases questions are read with (the app's `lexicon`); default: compiled once, at start, from the runner's commands. */
  lexicon?: Lexicon;
  /** A symbol's prices, for days that prices decide ("at the 2022 low"): `(s) => market.series(s)`. Without it such questions ask for the day. */
  closes?: (symbol: string) => Promise<DailySeries>;
  /** Shared with the interaction handler, so a question's work waits while slash commands are acknowledged. */
  scheduler?: Pick<AckFirstScheduler, 'turn'>;
}

/** Discord's limit on a thread name. */
const THREAD_NAME_MAX = 100;
const NO_MENTIONS = { parse: [] as [] };
/** The reactions a refused question gets instead of a public reply. */
export const SLOW_DOWN_REACTION = '⏳';
export const RESTARTING_REACTION = '🔄';
/** People remembered as already told; beyond this the memory starts over (at worst one more reaction each). */
const MAX_REFUSED_TRACKED = 10_000;

function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Whether this message is a question for the bot: any DM, or a server message that names it as `<@id>`. */
export function isQuestionFor(message: Pick<Message, 'author' | 'webhookId' | 'system' | 'guildId' | 'content'>, botId: string): boolean {
  // Bots (tapebot itself included: Discord echoes its own answers) and webhooks never ask.
  if (message.author.bot || message.webhookId !== null || message.system) return false;
  if (message.guildId === null) return true;
  // The content itself, not `mentions`: a reply to one of tapebot's answers lists it there without naming it.
  return new RegExp(`<@!?${botId}>`).test(message.content);
}

/** Thread name: the question as asked (Discord allows 1–100 characters), else the command it reads as. */
export function threadName(question: string, readAs: string): string {
  const name = question.trim() === '' ? readAs : question;
  return fit(name, THREAD_NAME_MAX);
}

/** Handles one message. Never throws; resolves once the reply is sent (or the message was not a question). */
export function createMessageHandler(deps: MentionDeps): (message: Message) => Promise<void> {
  const { logger } = deps;
  const lexicon = deps.lexicon ?? buildLexicon(deps.runner.commands);
  const turn = () => deps.scheduler?.turn() ?? Promise.resolve();

  async function draw(answer: Answer, meta: Record<string, unknown>): Promise<{ charts: RenderedChart[]; failed: boolean }> {
    if (answer.charts.length === 0) return { charts: [], failed: false };
    try {
      return { charts: await renderAnswerCharts(deps.renderer, answer), failed: false };
    } catch (err) {
      logger.error({ ...meta, err, command: answer.command, renderer: deps.renderer.name }, 'chart rendering failed; answering without the chart');
      return { charts: [], failed: true };
    }
  }

  /**
   * Where the answer goes: a new thread on the question in a server text channel, else a reply.
   * A thread that cannot be started (no Create Public Threads permission, or any other refusal)
   * costs the thread, not the answer.
   */
  async function answerChannel(message: Message, name: string, meta: Record<string, unknown>): Promise<{ send: (reply: DiscordReply & { content: string }) => Promise<unknown>; typing: () => Promise<unknown>; thread: boolean }> {
    const channel = message.channel;
    const typing = () => ('sendTyping' in channel ? channel.sendTyping() : Promise.resolve());
    const asReply = { send: (r: DiscordReply & { content: string }) => message.reply(r), typing, thread: false };
    const type = message.channel.type;
    if (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement) return asReply;
    try {
      const thread = await message.startThread({ name });
      return { send: (r) => thread.send(r), typing: () => thread.sendTyping(), thread: true };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const denied = code === RESTJSONErrorCodes.MissingPermissions || code === RESTJSONErrorCodes.MissingAccess;
      logger[denied ? 'info' : 'warn']({ ...meta, err, code }, denied ? 'may not start a thread here; replying to the question instead' : 'could not start a thread; replying to the question instead');
      return asReply;
    }
  }

  /**
   * People whose last question was refused (rate limited, or asked while restarting). A refusal is
   * never a public message: the first gets a reaction on the question (⏳ slow down, 🔄 restarting),
   * later ones nothing, until a question of theirs is let in again.
   */
  const refused = new Set<string>();
  async function refuse(message: Message, cause: unknown, meta: Record<string, unknown>): Promise<void> {
    const who = message.author.id;
    if (refused.has(who)) return;
    if (refused.size >= MAX_REFUSED_TRACKED) refused.clear();
    refused.add(who);
    try {
      await message.react(cause instanceof ShuttingDownError ? RESTARTING_REACTION : SLOW_DOWN_REACTION);
    } catch (err) {
      logger.info({ ...meta, err, code: (err as { code?: unknown }).code }, 'could not react to a refused question');
    }
  }

  async function answer(message: Message, meta: Record<string, unknown>): Promise<void> {
    const question = stripMentions(message.content, 'discord');
    await turn();
    const out = await answerQuestion(question, {
      runner: deps.runner,
      symbols: deps.symbols,
      lexicon,
      ...(deps.asOf ? { asOf: deps.asOf } : {}),
      ...(deps.closes ? { closes: deps.closes } : {}),
      logger,
      meta,
    });
    if (out.kind === 'clarify') {
      await message.reply({ content: fit(out.message, 2000), allowedMentions: NO_MENTIONS });
      return;
    }
    if (!out.result.ok) {
      // The runner already logged it under this reference; the words are for people.
      await message.reply({ content: errorText(out.result.error.message), allowedMentions: NO_MENTIONS });
      return;
    }
    const target = await answerChannel(message, threadName(question, out.readAs), meta);
    // Drawing takes a moment: show "tapebot is typing…" where the answer will appear. Cosmetic only.
    await target.typing().catch((err: unknown) => logger.debug({ ...meta, err }, 'typing indicator refused'));
    const { charts, failed } = await draw(out.result.answer, meta);
    await turn();
    const reply = { ...answerReply(out.result.answer, charts, { chartFailed: failed }), content: out.line };
    try {
      await target.send(reply);
    } catch (err) {
      // A thread the bot could start but not post in (no Send Messages in Threads): answer as a reply instead.
      if (!target.thread) throw err;
      logger.warn({ ...meta, err, code: (err as { code?: unknown }).code }, 'could not post in the new thread; replying to the question instead');
      await message.reply(reply);
    }
    logger.info({ ...meta, readAs: out.readAs, thread: target.thread }, 'question answered');
  }

  return async (message) => {
    const botId = message.client.user.id;
    if (!isQuestionFor(message, botId)) return;
    const meta = {
      adapter: 'discord',
      kind: message.guildId === null ? 'dm' : 'mention',
      platform: 'discord',
      userId: message.author.id,
      channelId: message.channelId,
      message: message.id,
      guild: message.guildId ?? 'dm',
    };
    try {
      // Every question is charged to the rate limit before anything is shown, answered or not.
      const admission = await deps.runner.admit(meta, 'question');
      if (!admission.ok) return await refuse(message, admission.cause, meta);
      refused.delete(message.author.id);
      await answer(message, admission.meta);
    } catch (err) {
      const ref = newErrorRef();
      logger.error({ ...meta, ref, err }, 'discord question failed');
      try {
        await message.reply({ content: errorText(describeError(err, ref).message), allowedMentions: NO_MENTIONS });
      } catch (again) {
        // The channel is gone or closed to the bot; the log has both failures.
        logger.error({ ...meta, ref, err: again }, 'could not tell the asker about the failure');
      }
    }
  };
}
