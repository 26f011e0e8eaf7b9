/**
 * Questions in plain words on Slack: "@tapebot is KRE breaking out?" in a channel (`app_mention`),
 * or any message in a DM with the bot (`message.im`), answered like the command it reads as (src/ask).
 *
 * Where the answer goes:
 *   channel   in the question's thread (`thread_ts` = the question's thread, or the question itself):
 *             a context line "Read as: /breakout KRE", then the same blocks and uploaded chart as
 *             the slash command (blocks.ts, deliver.ts)
 *   DM        in the conversation, or in the question's thread when it was asked in one: a DM is
 *             already a private two-person conversation, and an answer folded under "1 reply" is
 *             one click further away for nobody's benefit
 * A question that cannot be read, and a command's refusal, go only to the person who asked
 * (ephemeral in a channel; the DM is private already), in the question's thread if it had one.
 *
 * Slack retries an event it thinks went unanswered (`X-Slack-Retry-Num`, Socket Mode's
 * `retry_attempt`) — after a slow acknowledgement, a timeout, or a network error on its side. Bolt
 * acknowledges events before any listener runs, so retries are rare, but one must never produce a
 * second answer: each event is answered once per event id, and once per message (channel + ts — the
 * same message may also arrive as two events). main.ts remembers the ids in the database for an hour
 * (`createStoredRecentKeys`), so a retry that arrives after a restart is still recognised; without
 * one, the last 2,000 are kept in memory.
 */
import type { App } from '@slack/bolt';
import { answerQuestion } from '../../ask/answer.ts';
import { stripMentions } from '../../ask/normalize.ts';
import { buildLexicon, type Lexicon } from '../../ask/lexicon.ts';
import type { DailySeries } from '../../core/series.ts';
import type { CommandRunner } from '../../command/run.ts';
import type { SymbolDirectory } from '../../data/symbols.ts';
import { afterAck, channelContext, failureText, postAnswer, reportFailure, slackWords, type SlackHandlerDeps } from './handlers.ts';
import { slackErrorCode } from './deliver.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { errorText } from './blocks.ts';
import { slackCommandName } from './manifest.ts';
import { createRecentKeys, type SeenKeys } from '../../store/recent-keys.ts';

export interface SlackQuestionDeps extends SlackHandlerDeps {
  symbols: SymbolDirectory;
  /** The data's latest close (`() => market.latestClose()`): what "since june" counts from. */
  asOf?: () => Promise<string>;
  /** The phrases questions are read with (the app's `lexicon`); default: compiled once, at start, from the runner's commands. */
  lexicon?: Lexicon;
  /** A symbol's prices, for days that prices decide ("at the 2022 low"): `(s) => market.series(s)`. Without it such questions ask for the day. */
  closes?: (symbol: string) => Promise<DailySeries>;
  /** Events and messages already taken (default: a fresh in-memory `createRecentKeys()`). */
  seen?: SeenKeys;
}

interface Question {
  /** The workspace (team id) it was asked in. */
  workspace: string | undefined;
  text: string;
  channel: string;
  user: string;
  ts: string;
  /** The thread the question was asked in, if any. */
  threadTs: string | undefined;
  direct: boolean;
  eventId: string | undefined;
  retryNum: number | undefined;
}

/** A runner whose runs know the channel they were asked in ("@tapebot /watchlist add KRE" after a mention). */
function inChannel(runner: CommandRunner, channel: ReturnType<typeof channelContext>): CommandRunner {
  return { ...runner, run: (inv, meta) => runner.run({ ...inv, channel }, meta) };
}

export function registerQuestions(app: App, deps: SlackQuestionDeps): void {
  const seen = deps.seen ?? createRecentKeys();
  const lexicon = deps.lexicon ?? buildLexicon(deps.runner.commands);

  /** False (and logged) when this event or this message was already taken: a retry, or a second event for one message. */
  async function firstTime(q: Question): Promise<boolean> {
    const byEvent = q.eventId === undefined || (await seen.add(`event:${q.eventId}`));
    const byMessage = await seen.add(`message:${q.channel}:${q.ts}`);
    if (byEvent && byMessage) return true;
    deps.logger.info({ adapter: 'slack', eventId: q.eventId, channel: q.channel, ts: q.ts, retryNum: q.retryNum }, 'slack event already answered; ignored');
    return false;
  }

  async function answer(client: App['client'], q: Question): Promise<void> {
    const received = performance.now();
    const meta = { adapter: 'slack', platform: 'slack', kind: q.direct ? 'dm' : 'mention', team: q.workspace, channel: q.channel, channelId: q.channel, user: q.user, userId: q.user, eventId: q.eventId };
    const inThread = q.threadTs !== undefined ? { thread_ts: q.threadTs } : {};
    const words = slackWords(deps);
    const replyPrivately = async (raw: string) => {
      const text = words(raw);
      try {
        if (q.direct) await client.chat.postMessage({ channel: q.channel, text, ...inThread });
        else await client.chat.postEphemeral({ channel: q.channel, user: q.user, text, ...inThread });
      } catch (err) {
        deps.logger.warn({ ...meta, slackError: slackErrorCode(err) ?? String(err) }, 'could not reply privately');
      }
    };
    await afterAck(
      deps,
      replyPrivately,
      async () => {
        // Every question is charged to the rate limit, answered or not; a refusal reaches only the asker.
        const admission = await deps.runner.admit(meta, 'question');
        if (!admission.ok) return replyPrivately(errorText(admission.error.message));
        const out = await answerQuestion(stripMentions(q.text, 'slack'), {
          runner: inChannel(deps.runner, channelContext(deps, q.channel, q.user, client, q.workspace)),
          symbols: deps.symbols,
          lexicon,
          ...(deps.asOf ? { asOf: deps.asOf } : {}),
          ...(deps.closes ? { closes: deps.closes } : {}),
          logger: deps.logger,
          meta: admission.meta,
          // "Read as: /tapebot-help": commands shown as they are registered in Slack.
          commandName: deps.commandName ?? ((n: string) => slackCommandName(n)),
        });
        // Echoes of what was typed: escaped, so "<!channel>" in a question cannot ping anyone.
        if (out.kind === 'clarify') return replyPrivately(escapeMrkdwn(out.message));
        if (!out.result.ok) return replyPrivately(failureText(out.result));
        // In a channel always in a thread; in a DM only when the question was asked in one.
        const threadTs = q.threadTs ?? (q.direct ? undefined : q.ts);
        try {
          await postAnswer(client, deps, { channel: q.channel, ...(threadTs !== undefined ? { threadTs } : {}) }, out.result.answer, { lead: out.line });
        } catch (err) {
          await reportFailure(err, meta, deps, replyPrivately);
        }
      },
      meta,
      received,
    );
  }

  app.event('app_mention', async ({ event, body, context, client }) => {
    // Another bot mentioning tapebot, or an edited mention: not a question (Bolt already drops tapebot's own).
    if (!event.user || event.bot_id !== undefined || event.subtype !== undefined) return;
    // A mention inside a DM (channel ids `D…`) is still a DM: private already, answered in place.
    const direct = event.channel.startsWith('D');
    const q: Question = { workspace: context.teamId, text: event.text, channel: event.channel, user: event.user, ts: event.ts, threadTs: event.thread_ts, direct, eventId: body.event_id, retryNum: context.retryNum };
    if (await firstTime(q)) await answer(client, q);
  });

  app.message(async ({ message, body, context, client }) => {
    // Only plain messages people write to the bot directly; edits, joins and other bots are ignored.
    if (message.channel_type !== 'im' || message.subtype !== undefined || message.bot_id || !message.user) return;
    const q: Question = { workspace: context.teamId, text: message.text ?? '', channel: message.channel, user: message.user, ts: message.ts, threadTs: message.thread_ts, direct: true, eventId: body.event_id, retryNum: context.retryNum };
    if (await firstTime(q)) await answer(client, q);
  });
}
