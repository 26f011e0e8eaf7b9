/**
 * The port between scheduled posts (digests, alerts) and the chat platforms. Each adapter (Discord,
 * Slack, the console) implements `DigestPoster`; nothing under src/digest imports a chat SDK.
 *
 * Exactly-once delivery rests on the idempotency key the outbox hands to every `post` call: the same
 * (subscription, trading day) always gets the same key, and a retried call with a key the platform has
 * already seen must not create a second message. Discord does this natively (`nonce` + `enforce_nonce:
 * true`, honoured for a few minutes); where a platform has no such key, `findPosted` lets the outbox
 * look for the message before posting again (Slack: message metadata; see docs/digests.md).
 */
import type { Answer } from '../answer/answer.ts';
import type { RenderedChart } from '../charts/renderer.ts';

export type Platform = 'discord' | 'slack' | 'console';

/** A channel on one platform: where a subscription or an alert posts. */
export interface ChannelRef {
  readonly platform: Platform;
  /** The platform's channel id. */
  readonly id: string;
  /**
   * Slack: the workspace (team id) the channel is in, when known: its posts go out with that
   * workspace's token, and uninstalling the app there removes them.
   */
  readonly workspace?: string;
}

export interface PostOptions {
  /**
   * At most 25 characters of [0-9a-z] (fits Discord's `nonce`). The same key for a retry of the
   * same post; never the same key for two different posts.
   */
  readonly idempotencyKey: string;
}

export interface DigestPoster {
  readonly platform: Platform;
  /**
   * Posts one message: the Answer's lines as the platform's text, its charts attached. Resolves with
   * the platform's message id. Rejects with a `PostError` saying whether retrying can help.
   */
  post(channel: ChannelRef, answer: Answer, charts: readonly RenderedChart[], opts: PostOptions): Promise<{ messageId: string }>;
  /**
   * Optional: the message already posted to `channel` with this key since `since`, if any. Called
   * before re-posting a message whose earlier attempt may have reached the platform (a crash between
   * the call and recording its result), when the platform's own deduplication window may have passed
   * or the platform has none. Slack: conversations.history with include_all_metadata, matching the
   * key sent as message metadata.
   */
  findPosted?(channel: ChannelRef, idempotencyKey: string, since: Date): Promise<{ messageId: string } | null>;
  /**
   * How long the platform itself deduplicates a repeated key (Discord's nonce: a few minutes); 0 when
   * it does not. Beyond it, only `findPosted` can prevent a duplicate.
   */
  readonly dedupWindowMs: number;
}

export type PostFailure = 'permanent' | 'rejected' | 'transient';

/**
 * Thrown by a poster when a post fails.
 * - `permanent`: this channel is closed to the bot (deleted, archived, bot removed or not allowed to
 *   post). Counts toward unsubscribing the channel after repeated failures.
 * - `rejected`: the platform refused this message (malformed, too long): retrying the same message
 *   cannot help, but the channel is not at fault, so it does not count against it.
 * - `transient`: network error, 5xx, rate limited (`retryAfterMs` when the platform says how long),
 *   and failures of the bot's own credentials: a revoked token affects every channel alike, and
 *   must never unsubscribe them one by one.
 */
export class PostError extends Error {
  override readonly name = 'PostError';
  constructor(
    readonly failure: PostFailure,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any error as a PostError: unknown errors count as transient (a bug in a poster must not unsubscribe anyone). */
export function asPostError(err: unknown): PostError {
  if (err instanceof PostError) return err;
  return new PostError('transient', err instanceof Error ? err.message : String(err), undefined, { cause: err });
}
