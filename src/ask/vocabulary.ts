/**
 * The words tapebot understands in a question written in plain words ("@tapebot is KRE breaking out?"):
 * which question each phrase asks (an *intent*, answered by the command of the same name), the names
 * and nicknames people use for the symbols, the groups /leaders ranks, and the periods.
 *
 * Phrases are written lower case, words separated by single spaces, the way the tokenizer
 * (normalize.ts) splits a question: "s&p 500", "year to date", "breaking out". Hyphens split words
 * ("tech-heavy" is "tech heavy"), a possessive "'s" is dropped. When phrases overlap the longest one
 * wins, so "regional banks" beats "banks" and "52 week high" beats "52 weeks".
 */
import type { AnyCommand, AskDeclaration } from '../command/define.ts';
import type { NamedPeriod } from '../core/periods.ts';

/** A record's own entry: what people type must never find `constructor` or `__proto__` on a plain object. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A question kind: the name of the command that answers it. */
export type IntentId = string;

/** A command's ask declaration (src/command/define.ts) with the command it belongs to. */
export interface IntentWords extends AskDeclaration {
  readonly id: IntentId;
  /** The chat command that answers it. */
  readonly command: string;
}

/** The question kinds of the registered commands, in registry order: every command that declares how it is asked. */
export function intentsOf(commands: readonly AnyCommand[]): readonly IntentWords[] {
  return commands.flatMap((c) => (c.ask ? [{ ...c.ask, id: c.name, command: c.name }] : []));
}

/** Which size group a symbol stands for, so "small caps vs mega caps" fills /rotation's small/large/mega options. */
export type SizeGroup = 'small' | 'large' | 'mega';

export const SIZE_GROUP_SYMBOLS: Readonly<Record<SizeGroup, readonly string[]>> = {
  small: ['IWM', '^RUT'],
  large: ['SPY', '^GSPC'],
  mega: ['MAGS', 'QQQ'],
};

export interface SymbolName {
  readonly phrases: readonly string[];
  readonly symbol: string;
  /** The index itself, used instead of the ETF when the question says "index" ("the russell 2000 index"). */
  readonly index?: string;
  /** How a reply refers to it: "small caps (IWM)". */
  readonly label: string;
  /** Set on size words ("small caps", "mega caps"): a question naming only these is about /rotation. */
  readonly size?: SizeGroup;
}

/** A sector fund's nickname also reads with "sector", "stocks" or "names" after it ("the energy sector"). */
const sector = (symbol: string, label: string, phrases: readonly string[]): SymbolName => ({
  symbol,
  label,
  phrases: phrases.flatMap((p) => [p, `${p} sector`, `${p} stocks`, `${p} names`]),
});

export const SYMBOL_NAMES: readonly SymbolName[] = [
  { symbol: 'IWM', index: '^RUT', label: 'small caps', size: 'small', phrases: ['small caps', 'small cap', 'smallcaps', 'smallcap', 'small cap stocks', 'smalls', 'smol caps'] },
  { symbol: 'IWM', index: '^RUT', label: 'the Russell 2000', phrases: ['russell', 'russell 2000', 'russell 2k', 'russel', 'russel 2000', 'r2k', 'rty', 'the russ'] },
  { symbol: 'SPY', index: '^GSPC', label: 'large caps', size: 'large', phrases: ['large caps', 'large cap', 'largecaps', 'largecap', 'big caps', 'big cap'] },
  { symbol: 'SPY', index: '^GSPC', label: 'the S&P 500', phrases: ['s&p', 's&p 500', 's&p500', 'sp500', 'sp 500', 'snp', 'snp 500', 'spooz', 'spoos'] },
  { symbol: '^GSPC', label: 'the S&P 500 index', phrases: ['spx', 'gspc', 'the spx'] },
  { symbol: 'QQQ', index: '^IXIC', label: 'the Nasdaq', phrases: ['nasdaq', 'the nasdaq', 'naz', 'nazdaq', 'tech heavy', 'tech heavy nasdaq', 'the qs', 'qqqs'] },
  { symbol: 'QQQ', label: 'the Nasdaq-100', phrases: ['nasdaq 100', 'nasdaq100', 'ndx'] },
  { symbol: '^IXIC', label: 'the Nasdaq Composite', phrases: ['nasdaq composite', 'the composite', 'ixic'] },
  { symbol: 'DIA', label: 'the Dow', phrases: ['dow', 'the dow', 'dow jones', 'dow 30', 'djia', 'dji', 'dow industrials'] },
  {
    symbol: 'MAGS',
    label: 'the mega caps',
    size: 'mega',
    phrases: ['mega caps', 'mega cap', 'megacaps', 'megacap', 'mega cap tech', 'megacap tech', 'mag 7', 'mag7', 'mag seven', 'mag 7 stocks', 'mags 7', 'magnificent 7', 'magnificent seven', 'mag sevens', 'big tech', 'the generals'],
  },
  { symbol: 'KRE', label: 'regional banks', phrases: ['regional banks', 'regional bank', 'regionals', 'regional banking', 'regional bank stocks', 'small banks'] },
  { symbol: 'XBI', label: 'biotech', phrases: ['biotech', 'biotechs', 'bio tech', 'biotechnology', 'biotech stocks', 'bios'] },
  sector('XLE', 'energy', ['energy', 'oil stocks', 'oil names', 'energy names']),
  sector('XLK', 'tech', ['tech', 'technology', 'info tech', 'information technology']),
  sector('XLF', 'financials', ['financials', 'financial', 'banks', 'bank stocks', 'big banks', 'fins', 'the banks']),
  sector('XLV', 'health care', ['health care', 'healthcare', 'health']),
  sector('XLI', 'industrials', ['industrials', 'industrial', 'the industrials']),
  sector('XLB', 'materials', ['materials', 'basic materials']),
  sector('XLU', 'utilities', ['utilities', 'utility', 'utes']),
  sector('XLP', 'staples', ['staples', 'consumer staples']),
  sector('XLY', 'discretionary', ['discretionary', 'consumer discretionary', 'consumer disc', 'cons disc']),
  sector('XLRE', 'real estate', ['real estate', 'reits', 'reit']),
  sector('XLC', 'communications', ['communication', 'communications', 'comm services', 'communication services', 'comms', 'telecom']),
  // The single stocks, metals, bonds and bitcoin of the bundled data, by the names people use.
  { symbol: 'AAPL', label: 'Apple', phrases: ['apple', 'apple stock', 'apple inc'] },
  { symbol: 'MSFT', label: 'Microsoft', phrases: ['microsoft', 'msft stock'] },
  { symbol: 'GOOGL', label: 'Alphabet', phrases: ['alphabet', 'google', 'googl stock'] },
  { symbol: 'AMZN', label: 'Amazon', phrases: ['amazon', 'amzn stock'] },
  { symbol: 'META', label: 'Meta', phrases: ['meta', 'meta platforms', 'facebook', 'meta stock'] },
  { symbol: 'NVDA', label: 'Nvidia', phrases: ['nvidia', 'nvda stock'] },
  { symbol: 'TSLA', label: 'Tesla', phrases: ['tesla', 'tsla stock'] },
  { symbol: 'HOOD', label: 'Robinhood', phrases: ['robinhood', 'hood stock'] },
  { symbol: 'SHOP', label: 'Shopify', phrases: ['shopify', 'shop stock'] },
  { symbol: 'TOST', label: 'Toast', phrases: ['toast stock', 'toast inc'] },
  { symbol: 'GLD', label: 'gold', phrases: ['gold', 'gold price', 'the gold price', 'gold etf'] },
  { symbol: 'SLV', label: 'silver', phrases: ['silver', 'silver price', 'the silver price', 'silver etf'] },
  {
    symbol: 'TLT',
    label: 'long bonds',
    phrases: ['long bonds', 'long bond', 'the long bond', 'long treasuries', 'treasuries', 'treasury bonds', 'long dated treasuries', 'bonds', '20 year treasuries', '20+ year treasuries'],
  },
  { symbol: 'BTC-USD', label: 'bitcoin', phrases: ['bitcoin', 'btc', 'btcusd', 'btc usd', 'bitcoin price', 'crypto', 'xbt'] },
];

/** Words that switch a name to the index itself: "the russell 2000 index" is ^RUT, not IWM. */
export const INDEX_WORDS: readonly string[] = ['index', 'indexes', 'indices', 'the index', 'cash index'];

/** Phrases for the groups /leaders and /rotationmap take (ids from src/core/universes.ts). */
export const UNIVERSE_NAMES: Readonly<Record<string, readonly string[]>> = {
  sectors: ['sector rotation', 'sectors', 'sector', 'the sectors', 'sectros', 'sector etfs', 'sector funds', 'spdrs', 'sector spdrs', 'all sectors', 'all the sectors', 'all 11 sectors', 'groups', 'industries'],
  'smallcap-drivers': ['small cap drivers', 'smallcap drivers', 'drivers', 'small cap groups'],
  styles: ['styles', 'style', 'size and style', 'style boxes', 'size groups'],
  mag7: ['rank the mag 7', 'rank the mag7', 'rank the magnificent seven', 'mag 7 ranked', 'the seven stocks', 'each of the mag 7', 'each of the magnificent seven', 'mag 7 names', 'mag7 names', 'magnificent seven names', 'the mag 7 names'],
};

/** Fixed phrases for the named periods. Numbers with a unit ("6 months", "2 weeks") are read separately. */
export const PERIOD_NAMES: Readonly<Record<string, NamedPeriod>> = {
  'this year': 'ytd',
  'so far this year': 'ytd',
  'year to date': 'ytd',
  ytd: 'ytd',
  'for the year': 'ytd',
  'on the year': 'ytd',
  'past month': '1m',
  'last month': '1m',
  'the month': '1m',
  'on the month': '1m',
  'over the month': '1m',
  'for the month': '1m',
  'last week': '1w',
  'past week': '1w',
  'on the week': '1w',
  'for the week': '1w',
  'the week': '1w',
  'past quarter': '3m',
  'last quarter': '3m',
  'the quarter': '3m',
  'half a year': '6m',
  'past half year': '6m',
  'past year': '1y',
  'the past year': '1y',
  'trailing year': '1y',
  'over the year': '1y',
  'last 12 months': '1y',
  'past 12 months': '1y',
  ttm: '1y',
  today: '1d',
  'on the day': '1d',
  'the day': '1d',
  'this session': '1d',
  'the session': '1d',
  '1d': '1d',
  '1w': '1w',
  '1m': '1m',
  '3m': '3m',
  '6m': '6m',
  '1y': '1y',
  '3y': '3y',
  '5y': '5y',
  max: 'max',
  'all time': 'max',
  'full history': 'max',
  'since inception': 'max',
};

/** Period phrases that could mean two different things: the question is answered with a question. Each finishes "\"last year\" …". */
export const AMBIGUOUS_PERIODS: Readonly<Record<string, string>> = {
  'last year': 'could mean the past 12 months (say "past year") or calendar {lastYear} (say "in {lastYear}")',
  'mid year': 'needs a date, e.g. "since june 30"',
  q1: 'needs dates: say e.g. "since dec 31 as of mar 31"',
  q2: 'needs dates: say e.g. "since mar 31 as of jun 30"',
  q3: 'needs dates: say e.g. "since jun 30 as of sep 30"',
  q4: 'needs dates: say e.g. "since sep 30 as of dec 31"',
  h1: 'needs dates: say e.g. "since dec 31 as of jun 30"',
  h2: 'needs dates: say e.g. "since jun 30 as of dec 31"',
};

/** "this week", "mtd": week-, month-, quarter-to-date, from the last close before it began (src/core/periods.ts). */
export const TO_DATE_PERIODS: Readonly<Record<string, NamedPeriod>> = {
  'this week': 'wtd',
  'so far this week': 'wtd',
  'week to date': 'wtd',
  wtd: 'wtd',
  'this month': 'mtd',
  'so far this month': 'mtd',
  'month to date': 'mtd',
  mtd: 'mtd',
  'this quarter': 'qtd',
  'so far this quarter': 'qtd',
  'quarter to date': 'qtd',
  qtd: 'qtd',
};

/**
 * Names of the market as a whole. Which symbol they stand for is not said here: it is the benchmark
 * the command declarations measure against (lexicon.ts, `market`).
 */
export const MARKET_PHRASES: readonly string[] = ['the market', 'the broad market', 'broad market', 'the broader market', 'broader market', 'the stock market', 'the overall market', 'overall market', 'the tape'];

/** Words that mean the market as a whole when no symbol is named ("how did stocks do today"). */
export const MARKET_WORDS: readonly string[] = ['market', 'markets', 'stocks', 'equities', 'happened', 'happen', 'everything'];

/** "since …" phrases that mean the start of the year. */
export const SINCE_YEAR_START: readonly string[] = ['the start of the year', 'the beginning of the year', 'start of the year', 'beginning of the year', 'the new year', 'new year', 'new years', 'the year began', 'the year started'];

/** Words allowed between "since" and its date: "since the start of june". */
export const SINCE_PREFIXES: readonly string[] = ['the start of', 'the beginning of', 'start of', 'beginning of', 'the first of', 'early'];

/** Month abbreviations chrono does not read on their own ("since oct"), spelled out before it reads them. */
export const MONTH_ABBREVIATIONS: Readonly<Record<string, string>> = {
  jan: 'january',
  feb: 'february',
  mar: 'march',
  apr: 'april',
  jun: 'june',
  jul: 'july',
  aug: 'august',
  sep: 'september',
  sept: 'september',
  oct: 'october',
  nov: 'november',
  dec: 'december',
};

export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  couple: 2,
  few: 3,
};

/** Units in "past 6 months", "2 wks", "3mo". */
export const PERIOD_UNITS: Readonly<Record<string, 'days' | 'weeks' | 'months' | 'years'>> = {
  day: 'days',
  days: 'days',
  d: 'days',
  session: 'days',
  sessions: 'days',
  week: 'weeks',
  weeks: 'weeks',
  wk: 'weeks',
  wks: 'weeks',
  w: 'weeks',
  month: 'months',
  months: 'months',
  mo: 'months',
  mos: 'months',
  mth: 'months',
  mths: 'months',
  m: 'months',
  year: 'years',
  years: 'years',
  yr: 'years',
  yrs: 'years',
  y: 'years',
};

/** "how long has the S&P been **lagging** the Russell" asks how long the Russell has been beating the S&P. */
export const LOSING_WORDS: readonly string[] = ['lagging', 'lagged', 'trailing', 'trailed', 'underperforming', 'underperformed', 'underperform', 'behind', 'losing to', 'worse than', 'weaker than'];

/** Words before the symbol a question measures against: "what's leading **vs** the nasdaq". */
export const VS_WORDS: readonly string[] = ['vs', 'v', 'versus', 'against', 'to', 'than', 'relative', 'benchmark', 'over'];

/** Words for a choice option's values ("candlestick" is /chart's style:candles). */
export const CHOICE_SYNONYMS: Readonly<Record<string, string>> = {
  candle: 'candles',
  candlestick: 'candles',
  candlesticks: 'candles',
  candles: 'candles',
  line: 'line',
};

/** Words before a price level: "is SPY holding **above** 600", "retesting $612.50", "how far is SPY **from** 600". */
export const LEVEL_WORDS: readonly string[] = [
  'above', 'over', 'through', 'past', 'below', 'under', 'at', 'reclaim', 'reclaiming', 'reclaimed', 'retest', 'retesting', 'clear', 'clearing', 'cleared', 'hold', 'holding',
  'level', 'near', 'from', 'toward', 'towards', 'hit', 'hits', 'hitting', 'reach', 'reached', 'reaching', 'touch', 'touched',
];

/**
 * Moving averages. /chart draws the 50- and 200-day ones and says where the price stands against them,
 * so a question about them on one symbol is a chart; another length or kind is not something tapebot has.
 */
export const MOVING_AVERAGE_WORDS: readonly string[] = [
  'moving average', 'moving averages', 'sma', 'smas', 'dma', 'golden cross', 'death cross',
  '50 day', '200 day', '50d', '200d', '50dma', '200dma', '50sma', '200sma', '50 dma', '200 dma', '50 sma', '200 sma', '50 ma', '200 ma',
  '50 day average', '200 day average', '50 day line', '200 day line', '50 day moving average', '200 day moving average', '50 and 200 day',
];
/** The moving averages /chart shows, in sessions. */
export const CHART_AVERAGES: readonly number[] = [50, 200];

/**
 * Questions tapebot has no answer for, each with the reply that says so ("{said}" is what the person wrote).
 * A question naming one is answered with that reply and questions that work, never with a nearby command.
 */
export const UNSUPPORTED: readonly { readonly phrases: readonly string[]; readonly reply: string }[] = [
  { phrases: ['rsi', 'relative strength index'], reply: "I can't answer RSI questions." },
  { phrases: ['overbought', 'oversold', 'over bought', 'over sold'], reply: 'I can\'t answer "{said}" questions: I have no RSI or other oscillators.' },
  {
    phrases: ['macd', 'stochastic', 'stochastics', 'bollinger', 'bollinger bands', 'vwap', 'fibonacci', 'fib', 'fibs', 'ichimoku', 'atr', 'adx', 'obv', 'ema', 'emas', 'exponential moving average'],
    reply: 'I can\'t answer questions about "{said}": the only indicators I show are the 50- and 200-day moving averages, on a chart.',
  },
  { phrases: ['earnings', 'eps', 'guidance', 'revenue', 'revenues', 'earnings report', 'fundamentals'], reply: "I can't answer questions about earnings or fundamentals: I only know daily prices." },
  { phrases: ['correlation', 'correlations', 'correlated', 'correlate', 'beta'], reply: "I can't answer correlation questions." },
  { phrases: ['options', 'option chain', 'calls', 'puts', 'implied volatility', 'open interest', 'gamma'], reply: "I can't answer options questions." },
  { phrases: ['dividend', 'dividends', 'dividend yield', 'yield', 'yields', 'payout'], reply: "I can't answer dividend or yield questions." },
  {
    phrases: ['p e', 'pe', 'pe ratio', 'p e ratio', 'forward pe', 'valuation', 'valuations', 'multiples', 'cheap', 'expensive', 'overvalued', 'undervalued'],
    reply: "I can't answer valuation questions (P/E and the like): I only know prices.",
  },
  { phrases: ['forecast', 'forecasts', 'predict', 'prediction', 'predictions', 'price target', 'price targets', 'outlook', 'where will', 'will it', 'going to be', 'next week', 'next month', 'next year', 'tomorrow', 'by year end', 'by end of year'], reply: "I don't make forecasts; I can tell you what prices have done." },
  { phrases: ['volatility', 'volatile', 'vix'], reply: "I can't answer volatility questions." },
  { phrases: ['short interest', 'shorted', 'short squeeze'], reply: "I can't answer short-interest questions." },
  { phrases: ['why', 'news', 'headlines', 'what caused', 'reason', 'catalyst', 'catalysts'], reply: "I can't tell why a market moved, only how it moved." },
  { phrases: ['fed', 'fomc', 'rate cut', 'rate cuts', 'rate hike', 'cpi', 'jobs report', 'payrolls', 'nfp', 'inflation', 'gdp', 'tariffs', 'election'], reply: "I don't follow the news or the economic calendar, only daily prices." },
  // Themes tapebot has no prices for, said plainly (the bundled symbols: data/manifest.json).
  { phrases: ['semis', 'semi', 'semiconductors', 'semiconductor', 'chip stocks', 'chips', 'chipmakers', 'smh', 'soxx', 'sox'], reply: 'I have no semiconductor fund (no SMH or SOXX); the closest I have is tech (XLK) and Nvidia (NVDA).' },
  { phrases: ['homebuilders', 'home builders', 'housing stocks', 'xhb', 'itb'], reply: 'I have no homebuilder fund (no XHB or ITB).' },
  { phrases: ['airlines', 'airline stocks', 'jets', 'transports', 'trucking', 'iyt'], reply: 'I have no airline or transport fund (no JETS or IYT); the closest I have is industrials (XLI).' },
  { phrases: ['gold miners', 'miners', 'gdx', 'gdxj', 'uranium', 'lithium'], reply: 'I have no miners fund (no GDX); the closest I have is gold itself (GLD).' },
  { phrases: ['china', 'chinese stocks', 'emerging markets', 'em stocks', 'europe', 'european stocks', 'japan', 'international stocks', 'eem', 'fxi', 'efa'], reply: 'I have no prices for markets outside the US.' },
  { phrases: ['oil price', 'crude', 'crude oil', 'wti', 'brent', 'nat gas', 'natural gas', 'natty'], reply: 'I have no commodity prices other than gold (GLD) and silver (SLV); the closest I have is energy stocks (XLE).' },
  { phrases: ['retail stocks', 'retailers', 'xrt'], reply: 'I have no retail fund (no XRT); the closest I have is discretionary (XLY).' },
  { phrases: ['ethereum', 'eth', 'solana', 'dogecoin', 'altcoins'], reply: 'The only crypto I have is bitcoin (BTC-USD).' },
];

/**
 * Words that carry no question of their own ("what", "the", "please", "stock"). A word that is none of
 * these and that no vocabulary phrase, symbol or date took is quoted back when a question is not understood.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the this that these those it its it\'s they them their there here is are was were be been being am do does doing did ' +
    'has have had will would could can may might must shall what whats which who whom whose how hows when where ' +
    'i im me my we us our you your u ur r ya yall on in at of for to from by with about into onto off out than then as and or but so if ' +
    'please pls plz just now rn currently right still yet already again any some much many more most less very really quite ' +
    'tapebot bot hey show tell give get got let lets know see look looks like think thoughts thought view take update check status quick ' +
    'also too um uh well actually lately recently far long going gonna stock stocks share shares etf etfs fund funds ticker tickers symbol ' +
    'name names market markets happening happened new go between among after before during per ' +
    'day days week weeks month months year years session sessions time'
  ).split(' '),
);

/**
 * Advice-shaped questions ("what should I rotate into", "what's working", "should I buy IWM"): answered
 * with what has moved (the command that declares `answersAdvice`, or the one the question names) under
 * a line saying tapebot gives no advice.
 */
export const ADVICE_WORDS: readonly string[] = [
  'buy', 'sell', 'should i', 'should we', 'worth buying', 'good buy', 'invest', 'investing', 'entry', 'entry point', 'short it', 'go long',
  'rotate into', 'rotate to', 'rotating into', 'what to buy', 'what to own', 'what to sell', 'whats working', 'what is working', 'what s working', 'working',
  'wheres the strength', 'where is the strength', 'where s the strength', 'the strength', 'strength', 'where is money going', 'where is the money going',
  'money flowing', 'money going', 'flows', 'inflows', 'best place', 'where to put', 'put money', 'allocate', 'overweight', 'underweight', 'load up', 'bullish on', 'bearish on',
];

/** Greetings and thanks: answered with what tapebot can do, never read as a question about markets. */
export const SMALL_TALK: readonly string[] = ['hi', 'hello', 'hey', 'yo', 'sup', 'thanks', 'thank you', 'thx', 'ty', 'gm', 'good morning', 'gn', 'lol', 'lmao', 'nice', 'cool', 'ok', 'okay'];

/**
 * ALL-CAPS words people write that are not tickers. An ALL-CAPS word that the symbol directory does not
 * know and is not listed here is reported as "a symbol I don't have"; these are just ignored.
 */
export const NOT_TICKERS: ReadonlySet<string> = new Set(
  (
    'A I AM AN AND ANY ARE AS AT BE BUT BY DO FOR FROM GO HAS HE HOW IF IN IS IT ITS ME MY NO NOT NOW OF OFF ON OR OUT SO THE TO UP US WE WHAT WHEN WHO WHY YES YOU ' +
    'ALL BIG BUY SELL HOLD LONG SHORT TOP LOW HIGH NEW OLD ' +
    'RN IMO IMHO TBH LOL LMAO ROFL OMG WTF IDK FYI TLDR TL DR ASAP PLS PLZ THX TY GM GN NGL FR SMH BTW JK OK OKAY AF ' +
    'ETF ETFS USA UK EU AI CEO CFO IPO EPS PE GDP CPI PPI PCE NFP FOMC FED ECB BOJ SEC FDIC EOD EOW EOM MTD QTD WTD ' +
    'AM PM ET EST EDT UTC NYSE YOLO FOMO HODL BTFD ATH ATL DD RRG RS MA SMA EMA RSI MACD VWAP PT TA FA IV OTM ITM ' +
    'VS YTD TTM MAX YOY QOQ MOM Q1 Q2 Q3 Q4 H1 H2 FY LET THAT THERE HERE SHE WHERE THIS'
  ).split(' '),
);
