import { describe, expect, it } from 'vitest';
import { readQuestion } from '../../src/ask/read.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { lexicon, symbols } from './_stub.ts';

const REF = '2026-08-21';
const read = (q: string, dir = symbols) => readQuestion(q, { symbols: dir, lexicon, reference: REF });
const tickers = (q: string, dir = symbols) => read(q, dir).symbols.map((s) => s.symbol);

/** A directory that also knows tickers spelled like English words. */
const wordy = createSymbolDirectory([
  ...loadManifest(),
  { symbol: 'A', name: 'Agilent Technologies', kind: 'etf' },
  { symbol: 'IT', name: 'Gartner', kind: 'etf' },
  { symbol: 'ON', name: 'ON Semiconductor', kind: 'etf' },
  { symbol: 'ALL', name: 'Allstate', kind: 'etf' },
]);

describe('readQuestion: symbols', () => {
  it('never reads common words as tickers, even when the directory knows them', () => {
    expect(tickers('is it on? all of it, a bit', wordy), 'lower case words are words').toEqual([]);
    expect(tickers('IS IT ON ALL DAY', wordy), 'a shouted message is not a list of tickers').toEqual([]);
    expect(tickers('a drawdown in spy', wordy)).toEqual(['SPY']);
  });

  it('reads them as tickers when written as tickers: $-prefixed, or in capitals in an ordinary sentence', () => {
    expect(tickers('$it drawdown', wordy)).toEqual(['IT']);
    expect(tickers('is ON breaking out', wordy)).toEqual(['ON']);
  });

  it('takes only tickers the directory knows, and reports plausible unknown ones', () => {
    const r = read('is AMD breaking out IMO LOL');
    expect(r.symbols).toEqual([]);
    expect(r.unknownTickers, 'chat words are not reported as tickers').toEqual(['AMD']);
    expect(read('IS AMD BREAKING OUT').unknownTickers, 'not while shouting').toEqual([]);
  });

  it('with a live provider, takes a $ ticker it does not bundle but still not a bare capital word', () => {
    const live = createSymbolDirectory(loadManifest(), { allowUnknown: true });
    expect(tickers('$AMD vs SPY', live)).toEqual(['AMD', 'SPY']);
    expect(tickers('AMD vs SPY', live)).toEqual(['SPY']);
  });

  it('reads the names people use for the stocks, metals, bonds and bitcoin of data v2', () => {
    expect(tickers('how is apple doing')).toEqual(['AAPL']);
    expect(tickers('nvidia vs tesla')).toEqual(['NVDA', 'TSLA']);
    expect(tickers('nvda vs tsla this year'), 'bundled stock tickers in lower case').toEqual(['NVDA', 'TSLA']);
    expect(tickers('bitcoin drawdown')).toEqual(['BTC-USD']);
    expect(tickers('btc vs spy')).toEqual(['BTC-USD', 'SPY']);
    expect(tickers('gold vs silver')).toEqual(['GLD', 'SLV']);
    expect(tickers('long bonds since june')).toEqual(['TLT']);
    expect(tickers('how are treasuries doing')).toEqual(['TLT']);
    expect(tickers('where should I shop for a hood'), 'SHOP and HOOD in lower case are words').toEqual([]);
  });

  it('maps names and nicknames, the longest phrase winning', () => {
    expect(tickers('regional banks vs banks vs biotech')).toEqual(['KRE', 'XLF', 'XBI']);
    expect(tickers('tech heavy nasdaq vs tech')).toEqual(['QQQ', 'XLK']);
    expect(tickers('the russell, r2k, russell 2000')).toEqual(['IWM']);
    expect(tickers('mag 7 vs the magnificent seven vs mega caps')).toEqual(['MAGS']);
    expect(tickers('the dow vs the s&p vs the nasdaq')).toEqual(['DIA', 'SPY', 'QQQ']);
  });

  it('switches to the index itself when the question says "index"', () => {
    expect(tickers('the russell 2000 index vs the s&p 500')).toEqual(['^RUT', '^GSPC']);
    expect(tickers('the dow index'), 'no bundled Dow index: the ETF stays').toEqual(['DIA']);
    expect(tickers('SPX vs RUT'), 'index tickers are the indexes').toEqual(['^GSPC', '^RUT']);
  });
});

describe('readQuestion: periods and dates', () => {
  it.each([
    ['this year', 'ytd'],
    ['YTD', 'ytd'],
    ['year to date', 'ytd'],
    ['since the start of the year', 'ytd'],
    ['this month', 'mtd'],
    ['past month', '1m'],
    ['last month', '1m'],
    ['past six months', '6m'],
    ['6 months', '6m'],
    ['3mo', '3m'],
    ['last week', '1w'],
    ['this week', 'wtd'],
    ['today', '1d'],
    ['last 12 months', '1y'],
    ['5 years', '5y'],
    // Aug 21, 2026 minus 14 days is Aug 7, 2026.
    ['past 2 weeks', 'since:2026-08-07'],
    ['since june', 'since:2026-06-01'],
    ['since 2020', 'since:2020-01-01'],
  ])('"%s" is %s', (phrase, token) => {
    expect(read(`iwm vs spy ${phrase}`).period?.token).toBe(token);
  });

  it('reads "in 2025" as year to date as of the last day of 2025', () => {
    const r = read('small caps in 2025');
    expect(r.period?.token).toBe('ytd');
    expect(r.asof?.date).toBe('2025-12-31');
  });

  it('refuses to pin moments and ambiguous periods to a date', () => {
    expect(read('since the election').problems.join(' ')).toMatch(/"since the election" is not a date/);
    expect(read('last year').problems.join(' ')).toMatch(/past 12 months .* calendar 2025/);
    expect(read('iwm this month or ytd').problems.join(' ')).toMatch(/two periods/);
  });

  it('asks for the reference day only when a date depends on it', () => {
    expect(readQuestion('iwm vs spy since june', { symbols, lexicon }).needsReference).toBe(true);
    expect(readQuestion('iwm vs spy past month since 6/1/26', { symbols, lexicon }).needsReference).toBe(false);
  });
});

describe('readQuestion: order and levels', () => {
  it('marks the losing word so "A lagging B" can be read as B beating A', () => {
    const r = read('how long has the s&p been lagging the russell');
    expect(r.symbols.map((s) => s.symbol)).toEqual(['SPY', 'IWM']);
    expect(r.losingAt, 'between the two').toBeGreaterThan(r.symbols[0]?.at ?? Infinity);
  });

  it('reads a price level after a level word or a $, not any number', () => {
    expect(read('is spy holding above 600').level?.value).toBe(600);
    expect(read('xlf over $52.50').level?.value).toBe(52.5);
    expect(read('top 3 sectors').level, '"top 3" is not a price').toBeUndefined();
  });
});

describe('readQuestion: possessives, months, "from", price levels', () => {
  it('reads a ticker with a possessive or a $ as the ticker', () => {
    expect(tickers("what's SPY's max drawdown this year")).toEqual(['SPY']);
    expect(tickers('is KRE’s breakout real?'), 'a curly apostrophe too').toEqual(['KRE']);
    expect(tickers("how is $QQQ's streak vs spy's")).toEqual(['QQQ', 'SPY']);
    expect(read("is AMD's breakout real").unknownTickers, 'an unknown ticker is still reported').toEqual(['AMD']);
    expect(read("LET'S see KRE").unknownTickers, '"LET\'S" is a word, not a ticker').toEqual([]);
  });

  it('reads "in <month>" as that month, measured from the close before it to its last close', () => {
    const july = read('how did qqq do in july?');
    // July 2026 is before the reference day (Aug 21, 2026): from the June 30 close to the July 31 close.
    expect(july.period?.token).toBe('since:2026-06-30');
    expect(july.asof?.date).toBe('2026-07-31');
    const march = read('kre in march 2023');
    expect(march.period?.token).toBe('since:2023-02-28');
    expect(march.asof?.date).toBe('2023-03-31');
    const august = read('qqq in august');
    expect(august.period?.token, 'the month under way runs to the latest close').toBe('since:2026-07-31');
    expect(august.asof, 'no asof after the latest close').toBeUndefined();
    expect(read('spy in 2024').period?.token, '"in 2025" is still year to date').toBe('ytd');
    expect(read('kre beat xlf in a row').period?.token, '"in a row" is no month').toBeUndefined();
    expect(readQuestion('qqq in july', { symbols, lexicon }).needsReference, 'which July depends on the day').toBe(true);
  });

  it('says when "from" is followed by something that is not a date, but not by a price, a name or a date', () => {
    expect(read('how much is qqq up from the april low').problems.join(' ')).toMatch(/"from the april low" is not a date/);
    expect(read('how far is IWM from its all-time high').problems, 'a drawdown phrase').toEqual([]);
    expect(read('spy vs qqq from june 1 to july 31').problems).toEqual([]);
    const level = read('how far is spy from 600');
    expect(level.problems).toEqual([]);
    expect(level.level?.value, '"from 600" is a price level').toBe(600);
  });

  it('sets "last year" aside for the reference day when there is none, instead of naming no year', () => {
    const r = readQuestion('how did the nasdaq do last year', { symbols, lexicon });
    expect(r.needsReference).toBe(true);
    expect(r.problems.join(' '), 'never "calendar last year"').not.toMatch(/calendar last year/);
  });
});

describe('readQuestion: what tapebot cannot answer, and words it does not know', () => {
  it('names the unsupported term', () => {
    expect(read('is SPY overbought?').unsupported).toMatch(/"overbought"/);
    expect(read("what's the RSI on QQQ").unsupported).toMatch(/RSI/);
    expect(read('should I buy IWM').unsupported, 'advice is answered with what moved').toBeUndefined();
    expect(read('should I buy IWM').advice).toBe(true);
    expect(read("what's the correlation between IWM and SPY").unsupported).toMatch(/correlation/);
    expect(read('is the market in a sell off').unsupported, '"sell off" is a move, not advice').toBeUndefined();
  });

  it('reads the 50- and 200-day averages as a chart question and other lengths as unsupported', () => {
    const r = read('is QQQ above its 200 day moving average?');
    expect(r.movingAverage).toBeDefined();
    expect(r.period, '"200 day" is not a period').toBeUndefined();
    const twenty = read('is QQQ above its 20 day moving average?');
    expect(twenty.unsupported).toMatch(/"20 day moving average"/);
    expect(twenty.period, 'nor is "20 day"').toBeUndefined();
  });

  it('lists the content words nothing read, without filler words', () => {
    expect(read('how are widgets doing').unread).toEqual(['widgets']);
    expect(read('what about KRE?').unread).toEqual([]);
    expect(read('since the election how are small caps doing').unread, 'quoted by the date problem already').toEqual([]);
  });
});
