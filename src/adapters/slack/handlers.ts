/**
 * Slack listeners, grouped by kind, each group with its own `register…(app, deps)`:
 *   slash commands   one `app.command('/<name>')` per declared command — no command is special here
 *   period buttons   recompute the answer with another period and replace the message in place
 *   (questions in plain words — "@tapebot …" in a channel, or a direct message — are in mentions.ts)
 *
 * Every listener acknowledges first (Slack waits 3 seconds at most), then works. Answers go to the
 * conversation for everyone; errors go only to the person who asked.
 */
import { renameCommands, slackCommandName } from './manifest.ts';
import type { App, RespondFn, webApi } from '@slack/bolt';
import { withDetail, type Answer } from '../../answer/answer.ts';
import type { ChartRenderer } from '../../charts/renderer.ts';
import { parseArgsText } from '../../command/parse.ts';
import type { ChannelContext } from '../../command/define.ts';
import type { CommandRunner, RunResult } from '../../command/run.ts';
import { describeError, newErrorRef } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { LatencyObserver } from '../../ops/metrics.ts';
import { decodeRerun, type ButtonRun } from '../rerun.ts';
import { answerMessage, errorText, imageFileIds, inviteHintText, RERUN_ACTION, type AnswerMessageOptions } from './blocks.ts';
import { deleteFiles, prepareImages, sendWithImageRetry, slackErrorCode, type DeliveryOptions } from './deliver.ts';
import { unescapeSlackText } from './mrkdwn.ts';
import { WorkQueueFullError, type WorkQueue } from './work-queue.ts';
import type { AckFirstScheduler } from '../ack-first.ts';

type WebClient = webApi.WebClient;

export interface SlackHandlerDeps {
  runner: CommandRunner;
  renderer: ChartRenderer;
  logger: Logger;
  delivery: DeliveryOptions;
  /** Where the work after an ack runs: bounded, yielding to the event loop first (see work-queue.ts). */
  queue: WorkQueue;
  /**
   * Acknowledgements before work: every ack goes through it, and work starts (and resumes after its
   * charts are drawn) one command per event-loop turn, never while an ack is on its way (ack-first.ts).
   */
  scheduler: AckFirstScheduler;
  /**
   * Whether this person may change what the channel receives (digests, watchlists, alerts); asked
   * only by the commands that change it. `client` carries the workspace's token (managers.ts).
   */
  canManage(userId: string, channelId: string, where: { workspace: string | undefined; client: WebClient | undefined }): boolean | Promise<boolean>;
  /** Who may, in words, for the refusal; default the commands' own words. */
  managers?: string;
  /** The private reply of every request still being answered: at shutdown, who to tell "restarting" (start.ts). */
  waiting?: Set<{ reply: (text: string) => Promise<void> }>;
  /** Where ack and reply latencies go (/metrics). */
  metrics: LatencyObserver;
  /** How a declared command is registered in Slack (SLACK_COMMAND_PREFIX); default `slackCommandName`. */
  commandName?: (name: string) => string;
}

/** Text with every command named as this Slack app registers it (help, hints, errors): "/help" → "/tapebot-help". */
export function slackWords(deps: Pick<SlackHandlerDeps, 'runner' | 'commandName'>): (text: string) => string {
  const names = deps.runner.commands.map((c) => c.name);
  const name = deps.commandName ?? ((n: string) => slackCommandName(n));
  return (text) => renameCommands(text, names, name);
}

/** The answer with its words renamed for Slack (see slackWords); numbers and facts untouched. */
export function forSlack(answer: Answer, words: (text: string) => string): Answer {
  return { ...answer, title: words(answer.title), lines: answer.lines.map(words), warnings: answer.warnings.map(words), ...(answer.detail ? { detail: answer.detail.map(words) } : {}) };
}

/** The channel a command came from, for commands that act on it (digests, watchlists, alerts). */
const NOT_A_MEMBER = { reason: 'I’m not in this channel, so I couldn’t post here on my own.', fix: 'Invite me with /invite @tapebot, then try again.' };

/**
 * The channel as the commands see it. With a Web API client, `postingProblem` asks Slack whether the
 * bot is a member (conversations.info): a slash command works in any channel, but a scheduled post
 * only where the bot was invited. A private channel it was never invited to is invisible to it
 * (channel_not_found). When Slack cannot say (a missing scope, an outage), nothing is refused.
 */
export function channelContext(deps: SlackHandlerDeps, channelId: string, userId: string, client?: App['client'], workspace?: string): ChannelContext {
  const base = {
    platform: 'slack' as const,
    id: channelId,
    ...(workspace !== undefined ? { workspace } : {}),
    canManage: async () => deps.canManage(userId, channelId, { workspace, client }),
    ...(deps.managers !== undefined ? { managers: deps.managers } : {}),
    userId,
  };
  if (!client || channelId.startsWith('D')) return base;
  return {
    ...base,
    async postingProblem() {
      try {
        const r = await client.conversations.info({ channel: channelId });
        return r.channel?.is_member === false ? NOT_A_MEMBER : null;
      } catch (err) {
        const code = slackErrorCode(err);
        if (code === 'channel_not_found') return NOT_A_MEMBER;
        deps.logger.warn({ adapter: 'slack', channel: channelId, slackError: code ?? String(err) }, 'could not tell whether the bot is in the channel');
        return null;
      }
    },
  };
}

export const BUSY_TEXT = 'I’m answering a lot of requests right now — try again in a minute.';

/**
 * Runs the work after an ack; when too much is already waiting, says so instead. Never throws.
 * `received` (when the request reached the listener) times the reply for the metrics.
 */
export async function afterAck(deps: SlackHandlerDeps, replyPrivately: (text: string) => Promise<void>, job: () => Promise<void>, meta: Record<string, unknown>, received = performance.now()): Promise<void> {
  const waiting = { reply: replyPrivately };
  deps.waiting?.add(waiting);
  try {
    await deps.queue.run(async () => {
      await deps.scheduler.turn();
      await job();
    });
    deps.metrics.observeReply('slack', performance.now() - received, 'ok');
  } catch (err) {
    deps.metrics.observeReply('slack', performance.now() - received, 'error');
    if (err instanceof WorkQueueFullError) {
      deps.logger.warn({ ...meta, waiting: deps.queue.waiting }, 'slack work queue full; request refused');
      return replyPrivately(errorText(BUSY_TEXT));
    }
    // Jobs handle their own failures; this is a bug, and the person still deserves an answer.
    await reportFailure(err, meta, deps, replyPrivately);
  } finally {
    deps.waiting?.delete(waiting);
  }
}

/** Slack's answers when the bot may not post where it was asked. */
const CANNOT_POST_HERE = new Set(['not_in_channel', 'channel_not_found']);

/** Posts an answer (charts uploaded first); deletes the uploads again when the post fails. `lead`: a line above it (a question's "Read as: /…"). */
export async function postAnswer(client: WebClient, deps: SlackHandlerDeps, target: { channel: string; threadTs?: string }, answer: Answer, opts: Pick<AnswerMessageOptions, 'lead'> = {}): Promise<void> {
  answer = forSlack(answer, slackWords(deps));
  const prepared = await prepareImages(client, deps.renderer, answer, deps.logger, deps.scheduler.turn);
  const message = answerMessage(answer, prepared.images, { ...(prepared.note !== undefined ? { note: prepared.note } : {}), ...(opts.lead !== undefined ? { lead: opts.lead } : {}) });
  const uploaded = prepared.images.map((i) => i.fileId);
  let sent: { droppedImages: boolean };
  try {
    sent = await sendWithImageRetry(
      (m) => client.chat.postMessage({ channel: target.channel, ...(target.threadTs ? { thread_ts: target.threadTs } : {}), text: m.text, blocks: m.blocks }),
      message,
      deps.delivery,
      deps.logger,
    );
  } catch (err) {
    await deleteFiles(client, uploaded, deps.logger);
    throw err;
  }
  if (sent.droppedImages) await deleteFiles(client, uploaded, deps.logger);
}

/** Logs a failure to deliver and tells the person, in words (never the error itself). */
export async function reportFailure(err: unknown, meta: Record<string, unknown>, deps: SlackHandlerDeps, replyPrivately: (text: string) => Promise<void>): Promise<void> {
  const ref = newErrorRef();
  deps.logger.error({ ...meta, ref, err, slackError: slackErrorCode(err) }, 'slack delivery failed');
  await replyPrivately(errorText(describeError(err, ref).message));
}

function privateResponder(respond: RespondFn, deps: SlackHandlerDeps, meta: Record<string, unknown>): (text: string) => Promise<void> {
  const logger = deps.logger;
  const words = slackWords(deps);
  return async (text) => {
    try {
      await respond({ response_type: 'ephemeral', replace_original: false, text: words(text) });
    } catch (err) {
      // The response_url expires after 30 minutes and 5 uses; nothing else can reach the person.
      logger.warn({ ...meta, err }, 'could not reply privately via response_url');
    }
  };
}

export function failureText(result: Extract<RunResult, { ok: false }>): string {
  return errorText(result.error.message);
}

export function registerCommands(app: App, deps: SlackHandlerDeps): void {
  for (const cmd of deps.runner.commands) {
    app.command((deps.commandName ?? ((n: string) => slackCommandName(n)))(cmd.name), async ({ ack, command, client, respond, context }) => {
      const received = performance.now();
      await deps.scheduler.acknowledge(() => ack());
      deps.metrics.observeAck('slack', performance.now() - received);
      // platform/userId/channelId key the runner's rate limits; the rest is for the log.
      const meta = { adapter: 'slack', platform: 'slack', kind: 'command', team: command.team_id, channel: command.channel_id, channelId: command.channel_id, user: command.user_id, userId: command.user_id };
      const reply = privateResponder(respond, deps, meta);
      await afterAck(deps, reply, async () => {
        const args = parseArgsText(unescapeSlackText(command.text ?? ''));
        const result = await deps.runner.run({ name: cmd.name, args, channel: channelContext(deps, command.channel_id, command.user_id, client, context.teamId ?? command.team_id) }, meta);
        if (!result.ok) return reply(failureText(result));
        try {
          await postAnswer(client, deps, { channel: command.channel_id }, result.answer);
        } catch (err) {
          if (CANNOT_POST_HERE.has(slackErrorCode(err) ?? '')) {
            deps.logger.info({ ...meta, slackError: slackErrorCode(err) }, 'not a member of the channel; sent the invite hint');
            return reply(inviteHintText(context.botUserId, command.channel_id));
          }
          await reportFailure(err, meta, deps, reply);
        }
      }, meta, received);
    });
  }
}

export function registerPeriodButtons(app: App, deps: SlackHandlerDeps): void {
  app.action({ type: 'block_actions', action_id: RERUN_ACTION }, async ({ ack, body, action, client, respond, context }) => {
    const received = performance.now();
    await deps.scheduler.acknowledge(() => ack());
    deps.metrics.observeAck('slack', performance.now() - received);
    const container = body.container as { channel_id?: unknown; message_ts?: unknown };
    const channel = typeof container.channel_id === 'string' ? container.channel_id : body.channel?.id;
    const ts = typeof container.message_ts === 'string' ? container.message_ts : body.message?.ts;
    const meta = { adapter: 'slack', platform: 'slack', kind: 'button', team: body.team?.id, channel, channelId: channel, user: body.user.id, userId: body.user.id };
    const reply = privateResponder(respond, deps, meta);
    await afterAck(deps, reply, async () => {
      const invocation: ButtonRun | null = action.type === 'button' && typeof action.value === 'string' ? decodeRerun(action.value) : null;
      if (!invocation) return reply(errorText('That button is out of date. Run the command again.'));
      if (!channel || !ts) return reply(errorText('I could not find the message to update. Run the command again.'));
      const result = await deps.runner.run({ ...invocation, channel: channelContext(deps, channel, body.user.id, client, context.teamId ?? body.team?.id) }, meta);
      if (!result.ok) return reply(failureText(result));
      // A More click shows the same answer with its detail (Answer.detail), in place of the short one.
      const answer = forSlack(invocation.full ? withDetail(result.answer) : result.answer, slackWords(deps));
      const prepared = await prepareImages(client, deps.renderer, answer, deps.logger, deps.scheduler.turn);
      const message = answerMessage(answer, prepared.images, prepared.note !== undefined ? { note: prepared.note } : {});
      const uploaded = prepared.images.map((i) => i.fileId);
      let sent: { droppedImages: boolean };
      try {
        sent = await sendWithImageRetry((m) => client.chat.update({ channel, ts, text: m.text, blocks: m.blocks }), message, deps.delivery, deps.logger);
      } catch (err) {
        await deleteFiles(client, uploaded, deps.logger);
        return reportFailure(err, meta, deps, reply);
      }
      // The replaced message's charts are shown nowhere else: they were uploaded privately for it.
      const shown = new Set(sent.droppedImages ? [] : uploaded);
      const previous = imageFileIds(body.message?.blocks as unknown[] | undefined).filter((id) => !shown.has(id));
      await deleteFiles(client, [...(sent.droppedImages ? uploaded : []), ...previous], deps.logger);
    }, meta, received);
  });
}
