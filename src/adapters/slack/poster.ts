/**
 * Scheduled posts (digests, alerts) to Slack: the adapter's DigestPoster (src/digest/poster.ts).
 *
 * Slack has no idempotency key on chat.postMessage, so every post carries its key as message
 * metadata (`event_type: tapebot_post`, `event_payload.key`). After a crash between posting and
 * recording the result, `findPosted` reads the channel's recent history for that key instead of
 * posting twice (conversations.history with include_all_metadata; needs the history scopes the
 * manifest requests). https://docs.slack.dev/messaging/message-metadata
 */
import type { webApi } from '@slack/bolt';
import type { Answer } from '../../answer/answer.ts';
import type { RenderedChart } from '../../charts/renderer.ts';
import { PostError, type ChannelRef, type PostFailure, type DigestPoster, type PostOptions } from '../../digest/poster.ts';
import type { Logger } from '../../log.ts';
import { answerMessage, type SlackImage } from './blocks.ts';
import { CHART_NOT_ATTACHED, DEFAULT_DELIVERY, deleteFiles, sendWithImageRetry, slackErrorCode, uploadCharts, type DeliveryOptions } from './deliver.ts';

type WebClient = webApi.WebClient;

/** The metadata event type of every message tapebot posts on a schedule. */
export const POST_EVENT_TYPE = 'tapebot_post';

/**
 * Slack errors about the channel: it is gone, archived, or closed to the bot. They count against the
 * channel (docs.slack.dev, chat.postMessage, "Errors").
 */
const CHANNEL_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'no_permission',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'ekm_access_denied',
]);

/** Slack errors about the message itself: a retry of the same message fails the same way, but the channel is not at fault. */
const MESSAGE_ERRORS = new Set(['invalid_blocks', 'msg_too_long', 'no_text', 'invalid_metadata_format', 'invalid_metadata_schema', 'metadata_too_large']);

/**
 * Everything else is transient — 5xx, timeouts, `ratelimited`, and the token's own failures
 * (`invalid_auth`, `token_revoked`, `missing_scope`, …): those hit every channel at once, so they are
 * retried and logged rather than counted against each channel until all are unsubscribed.
 */
function failureOf(code: string): PostFailure {
  if (CHANNEL_ERRORS.has(code)) return 'permanent';
  if (MESSAGE_ERRORS.has(code)) return 'rejected';
  return 'transient';
}

/** A Slack failure as the digest outbox needs it: permanent or transient, with Slack's wait when it gives one. */
export function toPostError(err: unknown): PostError {
  if (err instanceof PostError) return err;
  const code = slackErrorCode(err);
  if (code !== undefined) return new PostError(failureOf(code), `Slack refused the post: ${code}`, undefined, { cause: err });
  const e = err as { code?: unknown; retryAfter?: unknown };
  if (e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') {
    return new PostError('transient', `Slack rate-limited the post (retry after ${e.retryAfter} s)`, e.retryAfter * 1000, { cause: err });
  }
  return new PostError('transient', err instanceof Error ? err.message : String(err), undefined, { cause: err });
}

export interface SlackPosterOptions {
  logger: Logger;
  delivery?: DeliveryOptions;
  /** How many pages of 200 messages findPosted reads at most (default 5: a busy channel's last hour or so). */
  maxHistoryPages?: number;
}

/**
 * `client`: the Web API client to post with, or, for an app installed in many workspaces, how to get
 * the one of a channel's workspace (its installation's token; a PostError when there is none).
 */
export function createSlackPoster(client: WebClient | ((channel: ChannelRef) => Promise<WebClient>), opts: SlackPosterOptions): DigestPoster {
  const clientOf = typeof client === 'function' ? client : async () => client;
  const delivery = opts.delivery ?? DEFAULT_DELIVERY;
  const maxPages = opts.maxHistoryPages ?? 5;
  return {
    platform: 'slack',
    dedupWindowMs: 0,

    async post(channel: ChannelRef, answer: Answer, charts: readonly RenderedChart[], { idempotencyKey }: PostOptions) {
      const client = await clientOf(channel);
      let images: SlackImage[] = [];
      let note: string | undefined;
      try {
        images = await uploadCharts(client, answer, charts);
      } catch (err) {
        // A chart that cannot be uploaded costs the chart, not the digest.
        opts.logger.warn({ channel: channel.id, slackError: slackErrorCode(err) ?? String(err) }, 'digest chart upload failed; posting without it');
        note = CHART_NOT_ATTACHED;
      }
      const message = answerMessage(answer, images, note !== undefined ? { note } : {});
      const uploaded = images.map((i) => i.fileId);
      try {
        const { result, droppedImages } = await sendWithImageRetry(
          (m) =>
            client.chat.postMessage({
              channel: channel.id,
              text: m.text,
              blocks: m.blocks,
              metadata: { event_type: POST_EVENT_TYPE, event_payload: { key: idempotencyKey } },
            }),
          message,
          delivery,
          opts.logger,
        );
        if (droppedImages) await deleteFiles(client, uploaded, opts.logger);
        if (typeof result.ts !== 'string') throw new PostError('transient', 'Slack accepted the post but returned no ts');
        return { messageId: result.ts };
      } catch (err) {
        await deleteFiles(client, uploaded, opts.logger);
        throw toPostError(err);
      }
    },

    async findPosted(channel: ChannelRef, idempotencyKey: string, since: Date) {
      const client = await clientOf(channel);
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        let res: webApi.ConversationsHistoryResponse;
        try {
          res = await client.conversations.history({
            channel: channel.id,
            oldest: (since.getTime() / 1000).toFixed(6),
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          });
        } catch (err) {
          throw toPostError(err);
        }
        for (const m of res.messages ?? []) {
          const meta = m.metadata as { event_type?: unknown; event_payload?: { key?: unknown } } | undefined;
          if (meta?.event_type === POST_EVENT_TYPE && meta.event_payload?.key === idempotencyKey && typeof m.ts === 'string') return { messageId: m.ts };
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!res.has_more || !cursor) return null;
      }
      opts.logger.warn({ channel: channel.id, pages: maxPages }, 'findPosted: gave up reading history; assuming not posted');
      return null;
    },
  };
}
