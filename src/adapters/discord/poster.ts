/**
 * Scheduled posts (digests, alerts) to Discord: the adapter's DigestPoster (src/digest/poster.ts).
 *
 * One `POST /channels/{id}/messages` per post, through discord.js's REST client (its rate-limit
 * queues, and its retries of 5xx with the same body), with the same embed and PNG attachments a slash
 * command gets (reply.ts). The outbox's idempotency key is the message `nonce` with
 * `enforce_nonce: true`: for a few minutes Discord answers a repeated nonce from the same bot with the
 * message it already created, so a retried or resumed post cannot appear twice within that window.
 * Discord does not return nonces when reading messages back, so there is no `findPosted`.
 * https://discord.com/developers/docs/resources/message#create-message
 */
import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes, Routes, type APIMessage, type RawFile, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Answer } from '../../answer/answer.ts';
import type { RenderedChart } from '../../charts/renderer.ts';
import { PostError, type ChannelRef, type DigestPoster, type PostOptions } from '../../digest/poster.ts';
import { answerReply } from './reply.ts';

/**
 * How long Discord honours a nonce. Its docs say "the past few minutes"; five is what the outbox
 * relies on before it warns that a resumed post may duplicate.
 */
export const NONCE_WINDOW_MS = 5 * 60_000;

/**
 * Discord errors no retry can fix: the channel or server is gone, the bot was removed or may not post
 * there, or (in a DM) the person no longer accepts messages from it. Anything else — 5xx, 429, a
 * network error, and 4xx codes not listed (a bad token affects every channel and must not unsubscribe
 * them one by one) — is transient.
 */
const PERMANENT_CODES = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownGuild,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
]);

/** Discord refusing the message itself (a malformed body, a file too large): retrying it cannot help, but the channel is not at fault. */
const MESSAGE_CODES = new Set<number>([RESTJSONErrorCodes.InvalidFormBodyOrContentType, RESTJSONErrorCodes.RequestEntityTooLarge]);

/** A Discord failure as the digest outbox needs it: permanent or transient, with Discord's wait when it gives one. */
export function toPostError(err: unknown): PostError {
  if (err instanceof PostError) return err;
  if (err instanceof RateLimitError) {
    return new PostError('transient', `Discord rate-limited the post (retry after ${err.retryAfter} ms)`, err.retryAfter, { cause: err });
  }
  if (err instanceof DiscordAPIError) {
    if (err.status === 429) {
      const seconds = (err.rawError as { retry_after?: unknown }).retry_after;
      return new PostError('transient', `Discord rate-limited the post: ${err.message}`, typeof seconds === 'number' ? Math.ceil(seconds * 1000) : undefined, { cause: err });
    }
    const code = typeof err.code === 'number' ? err.code : Number(err.code);
    const failure = PERMANENT_CODES.has(code) ? 'permanent' : MESSAGE_CODES.has(code) ? 'rejected' : 'transient';
    return new PostError(failure, `Discord refused the post: ${err.message} (code ${err.code}, HTTP ${err.status})`, undefined, { cause: err });
  }
  if (err instanceof HTTPError) return new PostError('transient', `Discord answered HTTP ${err.status}`, undefined, { cause: err });
  return new PostError('transient', err instanceof Error ? err.message : String(err), undefined, { cause: err });
}

/** The request for one scheduled post: the slash command's embed and PNGs, keyed by the nonce. */
export function digestMessage(answer: Answer, charts: readonly RenderedChart[], idempotencyKey: string): { body: RESTPostAPIChannelMessageJSONBody; files: RawFile[] } {
  const reply = answerReply(answer, charts);
  const files: RawFile[] = reply.files.map((f) => ({ name: f.name ?? 'chart.png', data: f.attachment as Buffer, contentType: 'image/png' }));
  return {
    body: {
      embeds: reply.embeds,
      // Period buttons work on a scheduled post as on a reply: the click re-runs the command in place.
      components: reply.components,
      attachments: reply.files.map((f, k) => ({ id: k, filename: f.name ?? 'chart.png', ...(f.description ? { description: f.description } : {}) })),
      allowed_mentions: reply.allowedMentions,
      nonce: idempotencyKey,
      enforce_nonce: true,
    },
    files,
  };
}

/** `rest`: the bot's REST client (`client.rest` of the adapter's gateway client, or createDiscordRest). */
export function createDiscordPoster(rest: REST): DigestPoster {
  return {
    platform: 'discord',
    dedupWindowMs: NONCE_WINDOW_MS,
    async post(channel: ChannelRef, answer: Answer, charts: readonly RenderedChart[], { idempotencyKey }: PostOptions) {
      const { body, files } = digestMessage(answer, charts, idempotencyKey);
      let message: APIMessage;
      try {
        message = (await rest.post(Routes.channelMessages(channel.id), { body, files })) as APIMessage;
      } catch (err) {
        throw toPostError(err);
      }
      return { messageId: message.id };
    },
  };
}
