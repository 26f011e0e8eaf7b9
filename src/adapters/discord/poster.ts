/**
 * Scheduled posts (digests, alerts) to Discord: the adapter's DigestPoster (src/digest/poster.ts).
 *
 * One `POST /channels/{id}/messages` per post, through discord.js's REST client (its rate-limit
 * queues, and its retries of 5xx with the same body), with the same embed and PNG attachments a slash
 * command gets (reply.ts). The outbox's idempotency key is the message `nonce` with
 * `enforce_nonce: true`: for a few minutes Discord answers a repeated nonce from the same bot with the
 * message it already created, so a retried or resumed post cannot appear twice within that window.
 * Discord does not return nonces when reading messages back, so the key also goes where it does:
 * the embed's footer ("post <key>") of every post, and the charts' file names. `findPosted` reads
 * the channel's history for it after a longer outage.
 * https://discord.com/developers/docs/resources/message#create-message
 */
import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes, Routes, SnowflakeUtil, type APIMessage, type RawFile, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
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

/**
 * A chart's file name carrying the post's idempotency key ("rotation-3fa9….png"). Discord keeps a
 * message's nonce for a few minutes only, and GET /channels/{id}/messages does not return it; the
 * attachment's file name stays, so findPosted can recognise an earlier attempt long after.
 */
export function keyedFileName(name: string, idempotencyKey: string): string {
  return `${name.replace(/\.png$/i, '')}-${idempotencyKey}.png`;
}

/** The footer line that carries a post's key: short, and the same words people see as a reference elsewhere. */
export function footerKeyLine(idempotencyKey: string): string {
  return `post ${idempotencyKey}`;
}

/** Discord's limit on an embed footer's text. */
const FOOTER_MAX = 2048;

/** Whether a message read back from the channel is the post with this key (its embed footer, or a chart's file name). */
export function carriesKey(m: Pick<APIMessage, 'embeds' | 'attachments'>, idempotencyKey: string): boolean {
  const line = footerKeyLine(idempotencyKey);
  const suffix = `-${idempotencyKey}.png`;
  return m.embeds.some((e) => (e.footer?.text ?? '').split('\n').includes(line)) || m.attachments.some((a) => a.filename.endsWith(suffix));
}

/** The request for one scheduled post: the slash command's embed and PNGs, keyed by the nonce, the embed footer and the file names. */
export function digestMessage(answer: Answer, charts: readonly RenderedChart[], idempotencyKey: string): { body: RESTPostAPIChannelMessageJSONBody; files: RawFile[] } {
  const reply = answerReply(answer, charts);
  const rename = new Map(reply.files.map((f) => [f.name ?? 'chart.png', keyedFileName(f.name ?? 'chart.png', idempotencyKey)]));
  const named = (n: string | null | undefined) => rename.get(n ?? 'chart.png') ?? keyedFileName(n ?? 'chart.png', idempotencyKey);
  const files: RawFile[] = reply.files.map((f) => ({ name: named(f.name), data: f.attachment as Buffer, contentType: 'image/png' }));
  const embeds = reply.embeds.map((e, i) => {
    const url = e.image?.url;
    const file = url?.startsWith('attachment://') ? url.slice('attachment://'.length) : undefined;
    const imaged = file !== undefined && rename.has(file) ? { ...e, image: { ...e.image, url: `attachment://${rename.get(file) as string}` } } : e;
    if (i > 0) return imaged;
    // The first embed's footer carries the key, so a post without charts can be found in history too.
    const line = footerKeyLine(idempotencyKey);
    const text = imaged.footer?.text;
    const footer = text ? `${text.length + line.length + 1 > FOOTER_MAX ? text.slice(0, FOOTER_MAX - line.length - 2) : text}\n${line}` : line;
    return { ...imaged, footer: { ...imaged.footer, text: footer } };
  });
  return {
    body: {
      embeds,
      // Period buttons work on a scheduled post as on a reply: the click re-runs the command in place.
      components: reply.components,
      attachments: reply.files.map((f, k) => ({ id: k, filename: named(f.name), ...(f.description ? { description: f.description } : {}) })),
      allowed_mentions: reply.allowedMentions,
      nonce: idempotencyKey,
      enforce_nonce: true,
    },
    files,
  };
}

/** Pages of 100 messages findPosted reads at most: a busy channel's last hour or so. */
const HISTORY_PAGES = 5;

/** `rest`: the bot's REST client (`client.rest` of the adapter's gateway client, or createDiscordRest). */
export function createDiscordPoster(rest: REST): DigestPoster {
  return {
    platform: 'discord',
    dedupWindowMs: NONCE_WINDOW_MS,
    /**
     * An earlier attempt, found by the key in its embed footer (or its charts' file names) among the
     * channel's messages since `since` (GET /channels/{id}/messages, needs Read Message History).
     */
    async findPosted(channel: ChannelRef, idempotencyKey: string, since: Date) {
      let after = SnowflakeUtil.generate({ timestamp: since.getTime() }).toString();
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const batch = (await rest.get(Routes.channelMessages(channel.id), { query: new URLSearchParams({ after, limit: '100' }) })) as APIMessage[];
        const hit = batch.find((m) => carriesKey(m, idempotencyKey));
        if (hit) return { messageId: hit.id };
        if (batch.length < 100) return null;
        after = batch.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
      }
      return null;
    },
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
