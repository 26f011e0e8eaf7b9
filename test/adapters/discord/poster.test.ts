/**
 * The Discord poster's pure parts: the message it sends for a scheduled post, and how Discord's
 * failures are sorted for the outbox. Posting through the real REST client to the fake Discord is
 * covered end to end in test/digest/e2e-discord.test.ts.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { digestMessage, toPostError } from '../../../src/adapters/discord/poster.ts';
import type { Answer } from '../../../src/answer/answer.ts';
import type { RenderedChart } from '../../../src/charts/renderer.ts';
import { PostError } from '../../../src/digest/poster.ts';

const url = 'https://discord.com/api/v10/channels/1/messages';
/** Discord's error body for a refused request: `{ code, message }` (Discord's "JSON error codes" docs). */
const apiError = (code: number, status: number, message: string) => new DiscordAPIError({ code, message }, code, status, 'POST', url, { body: undefined, files: undefined });

describe('toPostError', () => {
  it.each([
    [10003, 404, 'Unknown Channel'],
    [10004, 404, 'Unknown Guild'],
    [50001, 403, 'Missing Access'],
    [50013, 403, 'Missing Permissions'],
    [50007, 403, 'Cannot send messages to this user'],
  ])('code %i (%s) is permanent: no retry can bring the channel back', (code, status, message) => {
    const e = toPostError(apiError(code, status, message));
    expect(e.failure).toBe('permanent');
    expect(e.message, 'names the code for the log').toContain(String(code));
  });

  it.each([
    [50035, 400, 'Invalid Form Body'],
    [40005, 413, 'Request entity too large'],
  ])('code %i (%s) is rejected: the message is refused, the channel is not at fault', (code, status, message) => {
    expect(toPostError(apiError(code, status, message)).failure).toBe('rejected');
  });

  it('a 429 is transient and keeps Discord’s wait (retry_after is in seconds)', () => {
    const raw = { code: 0, message: 'You are being rate limited.', retry_after: 1.5, global: false };
    const e = toPostError(new DiscordAPIError(raw, 0, 429, 'POST', url, { body: undefined, files: undefined }));
    expect(e.failure).toBe('transient');
    expect(e.retryAfterMs, '1.5 s').toBe(1500);
  });

  it('a rate limit the REST client rejects with is transient with its wait (already in ms)', () => {
    const rl = new RateLimitError({ timeToReset: 2000, limit: 5, method: 'POST', hash: 'h', url, route: '/channels/:id/messages', majorParameter: '1', global: false, retryAfter: 2000, sublimitTimeout: 0, scope: 'user' });
    const e = toPostError(rl);
    expect(e.failure).toBe('transient');
    expect(e.retryAfterMs).toBe(2000);
  });

  it('5xx, network errors and unlisted 4xx are transient: a bad token must not unsubscribe every channel', () => {
    expect(toPostError(new HTTPError(502, 'Bad Gateway', 'POST', url, { body: undefined, files: undefined })).failure).toBe('transient');
    expect(toPostError(new TypeError('fetch failed')).failure).toBe('transient');
    expect(toPostError(apiError(0, 401, '401: Unauthorized')).failure).toBe('transient');
    const own = new PostError('permanent', 'already sorted');
    expect(toPostError(own), 'a PostError passes through').toBe(own);
  });
});

describe('digestMessage', () => {
  const answer: Answer = {
    command: 'digest',
    args: {},
    title: 'The close · Jun 30, 2025',
    lines: ['SPY +0.5%'],
    facts: {},
    charts: [],
    asOf: '2025-06-30',
    source: 'bundled',
    warnings: [],
  };
  const chart: RenderedChart = { id: 'moves', fileName: 'moves.png', altText: 'Bar chart of the day’s moves', png: Buffer.from([0x89, 0x50, 0x4e, 0x47]) };

  it('sends the key as an enforced nonce and in the chart’s file name, the chart as files[0] listed in attachments and shown by the embed', () => {
    const { body, files } = digestMessage(answer, [chart], 'abc123');
    expect(body.nonce).toBe('abc123');
    expect(body.enforce_nonce).toBe(true);
    expect(files.map((f) => [f.name, f.contentType, f.data])).toEqual([['moves-abc123.png', 'image/png', chart.png]]);
    expect(body.attachments).toEqual([{ id: 0, filename: 'moves-abc123.png', description: chart.altText }]);
    expect(body.embeds?.[0]?.image?.url, 'the embed shows the renamed file').toBe('attachment://moves-abc123.png');
    expect(body.allowed_mentions, 'a digest never pings anyone').toEqual({ parse: [] });
  });
});
