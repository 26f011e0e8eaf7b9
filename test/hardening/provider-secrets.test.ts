/**
 * Provider keys never reach a chat. Three live providers stand in locally, each one quoting our API
 * key in its error text, as a careless upstream (or a proxy echoing the request) might. Commands that
 * fail on them and /status are driven through Discord, Slack and the console; nothing any of them
 * sends may hold a key, the replies say what failed in fixed words, and the log keeps the detail
 * (masked) under the reply's reference.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { emptyAnswer } from '../../src/answer/build.ts';
import { defineCommand } from '../../src/command/define.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConsoleAsk, runRepl } from '../../src/adapters/console/repl.ts';
import { FAST, SATURDAY } from '../data/providers/_helpers.ts';
import { startFakeServer, type FakeServer } from '../data/providers/_server.ts';
import { memoryLog } from '../ops/_memory-log.ts';
import { startChatRig, until, type ChatRig } from './_chat.ts';

const KEYS = {
  tiingo: 'tiingo-SECRET-KEY-7c1e5a',
  polygon: 'polygonSECRETkey9d2f41b',
  alphavantage: 'AVSECRETKEY55QX',
} as const;
const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s), s.toLowerCase()];
const KEY_FORMS = Object.values(KEYS).flatMap(forms);
const leaks = (text: string) => KEY_FORMS.filter((k) => text.includes(k));

/** A path that forgets the first wall: its answer quotes a key. The second wall must still catch it. */
const leaky = defineCommand({
  name: 'leaky',
  description: 'Answers with a provider key in its text (test only)',
  usesMarketData: false,
  options: {},
  examples: ['/leaky'],
  async run() {
    const a = emptyAnswer('leaky', `Leaky ${KEYS.polygon}`, null, null);
    a.lines.push(`the key is ${KEYS.tiingo}`);
    return a;
  },
});

const log = memoryLog('debug');
let rig: ChatRig;
let tiingo: FakeServer;
let polygon: FakeServer;
let alphavantage: FakeServer;

beforeAll(async () => {
  // Tiingo's real error shape ({"detail": …}, 404 for an unknown ticker, 401/403 for a bad token),
  // with the token quoted back.
  tiingo = await startFakeServer((r) => {
    const m = /^\/tiingo\/daily\/([^/]+)\/prices$/.exec(r.path);
    const symbol = (m?.[1] ?? '').toLowerCase();
    if (symbol === 'zzzz') return { status: 404, body: { detail: `Error: Ticker '${symbol}' not found (token ${KEYS.tiingo})` } };
    return { status: 403, body: { detail: `Invalid token ${KEYS.tiingo} for this endpoint` } };
  });
  // Polygon's error shape, quoting the apiKey query parameter it received.
  polygon = await startFakeServer((r) =>
    r.path.includes('ZZZZ')
      ? { status: 404, body: { status: 'NOT_FOUND', request_id: 'x0', message: `Ticker ZZZZ not found for apiKey=${r.query.get('apiKey') ?? KEYS.polygon}` } }
      : { status: 403, body: { status: 'NOT_AUTHORIZED', request_id: 'x1', message: `Unknown API Key: ${r.query.get('apiKey') ?? KEYS.polygon}` } },
  );
  // Alpha Vantage answers 200 with an "Error Message": its real one for an unknown symbol, and for
  // anything else one that quotes the URL it was called with (the key is a query parameter there).
  alphavantage = await startFakeServer((r) =>
    r.query.get('symbol') === 'ZZZZ'
      ? { body: { 'Error Message': 'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY_ADJUSTED.' } }
      : { body: { 'Error Message': `the parameter apikey is invalid: ${r.url}` } },
  );
  rig = await startChatRig({
    logger: log.logger,
    secrets: log.secrets,
    commands: [...commands, leaky],
    renderThreads: 1,
    env: {
      DATA_PROVIDERS: 'tiingo,polygon,alphavantage,bundled',
      TIINGO_API_KEY: KEYS.tiingo,
      TIINGO_BASE_URL: tiingo.url,
      POLYGON_API_KEY: KEYS.polygon,
      POLYGON_BASE_URL: polygon.url,
      ALPHAVANTAGE_API_KEY: KEYS.alphavantage,
      ALPHAVANTAGE_BASE_URL: alphavantage.url,
    },
    data: { clock: () => SATURDAY, httpPolicy: { ...FAST, retries: 0 } },
  });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  for (const s of [tiingo, polygon, alphavantage]) await s?.close();
});

describe('provider keys never reach a chat', () => {
  it('the stand-ins really quote the keys, so finding none below means something', async () => {
    const res = await fetch(`${tiingo.url}/tiingo/daily/zzzz/prices`);
    expect(await res.text()).toContain(KEYS.tiingo);
  });

  it('Discord and Slack: an unknown symbol, a failing live look-up and /status say what failed in fixed words, never the provider text', async () => {
    const texts = ['/compare ZZZZ SPY', '/chart ZZZZ', '/compare IWM SPY period:1m', '/leaky'];
    const discord = texts.map((t) => ({ text: t, d: rig.sendDiscord(t) }));
    const sendSlack = async (t: string, k: number) => {
      const channel = `C0KEYS${String(k).padStart(4, '0')}`;
      const sent = await rig.sendSlack(t, { channel });
      expect(sent.status, `Slack acknowledged ${t}`).toBe(200);
      return { text: t, channel, responseUrl: sent.responseUrl };
    };
    const slack = await Promise.all(texts.map(sendSlack));
    await until('every Discord reply', () => discord.every((x) => rig.discordOutcome(x.d) !== null), 90_000);
    await until('every Slack reply', () => slack.every((x) => rig.slackOutcome(x) !== null), 90_000);
    // /status once the failures have happened, so it has a last failure to (not) quote.
    discord.push({ text: '/status', d: rig.sendDiscord('/status') });
    slack.push(await sendSlack('/status', texts.length));
    await until('the /status replies', () => discord.every((x) => rig.discordOutcome(x.d) !== null) && slack.every((x) => rig.slackOutcome(x) !== null), 90_000);

    const discordText = (t: string) => {
      const d = discord.find((x) => x.text === t)?.d;
      return d ? JSON.stringify(rig.discordOutcome(d)?.request.json) : '';
    };
    const slackText = (t: string) => {
      const s = slack.find((x) => x.text === t);
      return s ? JSON.stringify(rig.slackOutcome(s)?.call.params) : '';
    };
    for (const text of [discordText('/compare ZZZZ SPY'), slackText('/compare ZZZZ SPY')]) {
      expect(text, 'an unknown symbol is named plainly').toContain("I couldn't find prices for ZZZZ");
      expect(text, 'nothing of what the provider said').not.toMatch(/Ticker|not found \(/);
    }
    for (const text of [discordText('/status'), slackText('/status')]) {
      expect(text, '/status names the failure kind').toMatch(/last failure/);
      expect(text, '/status quotes no provider text').not.toMatch(/Invalid token|Unknown API Key|Invalid API call/);
    }
    for (const text of [discordText('/leaky'), slackText('/leaky')]) expect(text, 'the second wall masked what the first let through').toContain('the key is [redacted]');
    // The live look-up failed on every provider and fell back to the bundled prices: still answered.
    expect(discordText('/compare IWM SPY period:1m'), 'answered with the prices').toMatch(/IWM/);
    expect(discordText('/compare IWM SPY period:1m')).not.toMatch(/unavailable right now/);

    const discordSent = rig.fakeDiscord.requests.map((r) => JSON.stringify({ path: r.path, query: r.query, json: r.json, files: r.files.map((f) => ({ ...f, data: undefined })) }));
    const slackSent = rig.fakeSlack.calls.map((c) => JSON.stringify({ method: c.method, path: c.path, params: c.params }));
    const sentLeaks = [...discordSent, ...slackSent].flatMap((m) => leaks(m).map((k) => `${k.slice(0, 10)}… in ${m.slice(0, 160)}`));
    expect(sentLeaks, 'no message sent to Discord or Slack holds a provider key').toEqual([]);

    // The providers were really asked, with the keys, and said them back: the log has that detail, masked.
    expect(tiingo.requests.some((r) => r.headers.authorization === `Token ${KEYS.tiingo}`), 'Tiingo was called with its key').toBe(true);
    expect(polygon.requests.length + alphavantage.requests.length, 'the other providers were tried').toBeGreaterThan(0);
    const logLeaks = log.raw.flatMap((l) => leaks(l).map((k) => `${k.slice(0, 10)}… in ${l.slice(0, 160)}`));
    expect(logLeaks, 'no log line holds a key').toEqual([]);
    expect(log.raw.some((l) => l.includes('not found (token [redacted])')), 'the log keeps the provider detail, masked').toBe(true);
  }, 180_000);

  it('the console: the same failures, in the same fixed words', async () => {
    const input = new PassThrough();
    const chunks: string[] = [];
    const output = new PassThrough();
    output.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const outDir = mkdtempSync(path.join(tmpdir(), 'tapebot-keys-'));
    const ask = createConsoleAsk({ runner: rig.app.runner, renderer: rig.app.renderer, outDir, symbols: rig.app.symbols, logger: log.logger });
    const repl = runRepl({ runner: rig.app.runner, renderer: rig.app.renderer, outDir, ask, input, output, secrets: rig.app.secrets });
    input.end(['/compare ZZZZ SPY', '/status', 'how is zzzz doing', 'exit'].join('\n') + '\n');
    await repl;
    const all = chunks.join('');
    // By now the earlier test has opened the failing providers' circuits, so the honest answer may be
    // "unavailable" rather than "not found": either way, fixed words.
    expect(all).toMatch(/I couldn't find prices for ZZZZ|Market data is unavailable right now; try again shortly\. Reference [0-9a-f]{6}\./);
    expect(all).toMatch(/last failure/);
    expect(leaks(all), 'no key in what the console prints').toEqual([]);
  }, 60_000);
});
