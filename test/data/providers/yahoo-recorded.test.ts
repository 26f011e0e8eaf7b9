/**
 * Contract tests against real Yahoo responses: the recordings in ../shared/fixtures/yahoo (published
 * with gadicc/node-yahoo-finance2, MIT; see the README there) are replayed by a local HTTP server
 * through the real provider code (createYahooProvider: request, zod parse, sanity checks, our own
 * total-return derivation). They stay in ../shared (not the project's to copy): without that folder
 * these tests skip with one loud line, and with CI set (`.ci/run`) they fail instead.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTradingDay } from '../../../src/data/calendar.ts';
import { createYahooProvider } from '../../../src/data/providers/yahoo.ts';
import { FAST, clockAt } from './_helpers.ts';
import { startFakeServer, type FakeServer, type Reply } from './_server.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
/** `TAPEBOT_YAHOO_FIXTURES` points elsewhere (a git worktree whose ../shared is not beside it). */
const DIR = process.env.TAPEBOT_YAHOO_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures/yahoo');
const present = existsSync(DIR);

interface Recording {
  request: { url: string; method?: string };
  response: { status: number; headers: Record<string, string>; bodyJson: unknown };
}
interface ChartBody {
  chart: {
    result: {
      meta: { symbol: string };
      timestamp: number[];
      events?: { dividends?: Record<string, { amount: number; date: number }>; splits?: Record<string, { date: number; numerator: number; denominator: number }> };
      indicators: { quote: { close: (number | null)[] }[]; adjclose?: { adjclose: (number | null)[] }[] };
    }[];
  };
}

const load = (file: string): Recording => JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Recording;
const chartFiles = present ? readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.startsWith('search-')) : [];

if (!present) {
  if (process.env.CI) {
    describe('recorded Yahoo responses', () => {
      it('are present in ../shared/fixtures/yahoo (CI does not skip them)', () => {
        expect.fail(`recorded Yahoo responses not found at ${DIR}: CI needs ../shared/fixtures/yahoo beside the repository`);
      });
    });
  } else {
    console.warn(`SKIPPED recorded Yahoo contract tests: ${DIR} is absent (set TAPEBOT_YAHOO_FIXTURES, or put ../shared beside the repo; CI fails here)`);
  }
}

/** The recorded response, as the fake server's reply (lengths and encodings are the server's own). */
function reply(rec: Recording): Reply {
  const headers = Object.fromEntries(
    Object.entries(rec.response.headers).filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'content-type'].includes(k.toLowerCase())),
  );
  return { status: rec.response.status, headers, body: rec.response.bodyJson };
}

/** The symbol in the recorded request's path: /v8/finance/chart/{symbol}. */
const symbolOf = (rec: Recording): string => decodeURIComponent(new URL(rec.request.url).pathname.split('/').pop() ?? '');

describe.runIf(present)('yahoo: real recorded chart responses through the provider', () => {
  let server: FakeServer;
  let current: Recording | undefined;
  beforeAll(async () => {
    server = await startFakeServer(() => (current ? reply(current) : { status: 500, body: 'no recording set' }));
  });
  afterAll(() => server.close());

  /** Replays one recording through createYahooProvider, with the clock at the moment it was recorded. */
  async function history(file: string) {
    current = load(file);
    const recordedAt = new Date(current.response.headers.date ?? current.response.headers.Date ?? '');
    expect(Number.isNaN(recordedAt.getTime()), `${file}: the recorded date header`).toBe(false);
    const yahoo = createYahooProvider({ baseURL: server.url, clock: clockAt(recordedAt), policy: FAST });
    const symbol = symbolOf(current);
    const h = await yahoo.fetchHistory(symbol);
    const path0 = server.requests[server.requests.length - 1]?.path;
    expect(path0, 'the provider asked the chart endpoint for the symbol').toBe(`/v8/finance/chart/${symbol}`);
    return { h, body: current.response.bodyJson as ChartBody, symbol };
  }

  it('finds the ten recordings the README lists', () => {
    expect(chartFiles.length, 'seven chart recordings').toBe(7);
    expect(readdirSync(DIR).filter((f) => f.startsWith('search-')).length, 'three searches').toBe(3);
  });

  it.each(chartFiles)('%s parses, passes the sanity checks, and keeps every bar and close Yahoo sent', async (file) => {
    const { h, body } = await history(file);
    const r = body.chart.result[0];
    const closes = r?.indicators.quote[0]?.close ?? [];
    expect(h.bars.length).toBe(r?.timestamp.length);
    expect(h.bars.map((b) => b.close)).toEqual(closes);
  }, 60_000);

  it.each(chartFiles)('%s: our total return from close and dividends matches the adjclose Yahoo sent, day by day', async (file) => {
    const { h, body } = await history(file);
    const yahooAdj = body.chart.result[0]?.indicators.adjclose?.[0]?.adjclose ?? [];
    expect(yahooAdj.length).toBe(h.bars.length);
    // A recording made without `div` in its events (the NVDA split file asked for splits only) carries
    // no dividend events, while Yahoo's adjclose still includes the dividends: on those days the
    // difference must be exactly a dividend, D = close[t−1] − close[t] · adj[t−1] / adj[t].
    const askedForDividends = /events=[^&]*div/.test(decodeURIComponent(current?.request.url ?? ''));
    let worst = 0;
    const unseen: { date: string; amount: number }[] = [];
    for (let i = 1; i < h.bars.length; i++) {
      const ours = (h.bars[i]?.adjClose as number) / (h.bars[i - 1]?.adjClose as number);
      const theirs = (yahooAdj[i] as number) / (yahooAdj[i - 1] as number);
      const diff = Math.abs(ours / theirs - 1);
      if (!askedForDividends && diff > 5e-7) {
        const prevClose = h.bars[i - 1]?.close as number;
        unseen.push({ date: h.bars[i]?.date as string, amount: prevClose - (h.bars[i]?.close as number) / theirs });
      } else worst = Math.max(worst, diff);
    }
    // Yahoo sends float32-rounded values (~6e-8 relative each); a day's return carries two of them.
    expect(worst, `${file}: largest daily-return difference`).toBeLessThan(5e-7);
    if (file.includes('NVDA')) {
      // NVDA paid $0.16 a quarter in 2021; the recording (Feb 2025) is on the basis after the 4:1 split of
      // 2021 and the 10:1 of 2024, so $0.16 / 40 = $0.004.
      expect(unseen.map((d) => d.date), 'four quarterly ex-dates').toEqual(['2021-03-09', '2021-06-09', '2021-08-31', '2021-12-01']);
      for (const d of unseen) expect(d.amount, d.date).toBeCloseTo(0.004, 4);
    } else expect(unseen).toEqual([]);
  }, 60_000);

  it('AAPL 2020: the 4:1 split of Aug 31 and the $0.205 dividend of Nov 6, with no jump at the split', async () => {
    const { h } = await history('chart-AAPL-2020-08-31-to-2020-11-07.json');
    expect(h.splits).toEqual([{ date: '2020-08-31', ratio: 4 }]);
    expect(h.dividends).toEqual([{ date: '2020-11-06', amount: 0.205 }]);
    // Yahoo's own dividend factor on the ex-date: adj/close steps by (1 − D / previous close).
    const i = h.bars.findIndex((b) => b.date === '2020-11-06');
    const prev = h.bars[i - 1];
    const cur = h.bars[i];
    const step = (cur?.adjClose as number) / (prev?.adjClose as number) / ((cur?.close as number) / (prev?.close as number));
    expect(step).toBeCloseTo(1 / (1 - 0.205 / (prev?.close as number)), 9);
  }, 60_000);

  it('MSFT 2021: four dividends, each dated on its ex-day', async () => {
    const { h } = await history('historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json');
    expect(h.dividends).toEqual([
      { date: '2021-02-17', amount: 0.56 },
      { date: '2021-05-19', amount: 0.56 },
      { date: '2021-08-18', amount: 0.56 },
      { date: '2021-11-17', amount: 0.62 },
    ]);
  }, 60_000);

  it('NVDA 2021: the 4:1 split of Jul 20 is an event, not a jump in the closes', async () => {
    const { h } = await history('historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json');
    expect(h.splits).toEqual([{ date: '2021-07-20', ratio: 4 }]);
    const i = h.bars.findIndex((b) => b.date === '2021-07-20');
    expect(Math.abs((h.bars[i]?.close as number) / (h.bars[i - 1]?.close as number) - 1)).toBeLessThan(0.1);
  }, 60_000);

  it('TSLA 2010–2023: 13 years, no dividends, so total return is the close', async () => {
    const { h } = await history('historical-via-chart-dividends-TSLA-no-dividends.json');
    expect(h.bars[0]?.date).toBe('2010-06-29');
    expect(h.bars.length).toBe(3303);
    expect(h.dividends).toEqual([]);
    expect(h.bars.every((b) => Math.abs(b.adjClose / (b.close as number) - 1) < 1e-12)).toBe(true);
  }, 60_000);

  it('BTC-USD trades every day: Jan 1, 2020 (an NYSE holiday) is a bar, dated by the UTC day', async () => {
    const { h } = await history('chart-BTC-USD-2020-01-01-to-2020-01-03.json');
    expect(h.bars.map((b) => b.date)).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    expect(isTradingDay('2020-01-01'), 'the NYSE was closed').toBe(false);
  }, 60_000);

  it('an ETF and a futures contract: one NYSE-day bar each', async () => {
    expect((await history('chart-QQQ-2020-01-01-to-2020-01-03.json')).h.bars.map((b) => b.date)).toEqual(['2020-01-02']);
    expect((await history('chart-GC=F-2020-01-01-to-2020-01-03.json')).h.bars.map((b) => b.date)).toEqual(['2020-01-02']);
  }, 60_000);
});

describe.runIf(present)('yahoo: real recorded symbol searches through the provider', () => {
  let server: FakeServer;
  let current: Recording | undefined;
  beforeAll(async () => {
    server = await startFakeServer(() => (current ? reply(current) : { status: 500, body: 'no recording set' }));
  });
  afterAll(() => server.close());

  const searchOf = (file: string, policy = FAST) => {
    current = load(file);
    return createYahooProvider({ baseURL: server.url, clock: clockAt(new Date(current.response.headers.date ?? '')), policy });
  };
  const queryOf = (rec: Recording): string => new URL(rec.request.url).searchParams.get('q') ?? '';

  it.each(['search-AMZN.json', 'search-BTC-USD.json', 'search-QQQ.json'])('%s parses: the asked ticker first, options and news left out', async (file) => {
    const yahoo = searchOf(file);
    const q = queryOf(current as Recording);
    const hits = await yahoo.search(q);
    const sent = server.requests[server.requests.length - 1];
    expect(sent?.path).toBe('/v1/finance/search');
    expect(sent?.query.get('q')).toBe(q);
    expect(hits[0]?.symbol).toBe(q);
    const quotes = ((current as Recording).response.bodyJson as { quotes: { symbol: string; quoteType: string }[] }).quotes;
    const chartable = quotes.filter((x) => ['EQUITY', 'ETF', 'INDEX', 'CRYPTOCURRENCY', 'FUTURE', 'MUTUALFUND'].includes(x.quoteType));
    expect(hits.map((h) => h.symbol)).toEqual(chartable.map((x) => x.symbol.toUpperCase()));
  });

  it('AMZN: the stock with its name and exchange; the option contracts are not offered', async () => {
    const hits = await searchOf('search-AMZN.json').search('AMZN');
    expect(hits[0]).toEqual({ symbol: 'AMZN', name: 'Amazon.com, Inc.', type: 'EQUITY', exchange: 'NASDAQ' });
    expect(hits.some((h) => h.type === 'OPTION')).toBe(false);
  });

  it('BTC-USD: a crypto pair', async () => {
    const hits = await searchOf('search-BTC-USD.json').search('BTC-USD');
    expect(hits[0]).toMatchObject({ symbol: 'BTC-USD', type: 'CRYPTOCURRENCY' });
  });

  it('shares the chart endpoint’s rate limit: one token, spent on a chart, leaves the search refused locally', async () => {
    const yahoo = searchOf('chart-QQQ-2020-01-01-to-2020-01-03.json', { ...FAST, rateLimits: [{ limit: 1, perMs: 3_600_000 }], maxQueueMs: 0 });
    await yahoo.fetchHistory('QQQ');
    const before = server.requests.length;
    const err: unknown = await yahoo.search('QQQ').catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'rate-limited' });
    expect(server.requests.length, 'nothing sent').toBe(before);
  });
});
