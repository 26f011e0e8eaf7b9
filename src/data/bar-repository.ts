/**
 * The price cache's SQLite tables (migration set `'bars'`) and every statement on them: the daily bars
 * of each symbol, what is known of each stored series (`series_meta`), the corporate actions a history
 * provider reported (`events`) and the doubts every answer using a series must carry (`doubts`).
 * Only SQL here; when to read, fetch or re-base is the cache's (cache.ts).
 */
import { compactColumn, type DailyBar, type DailySeries } from '../core/series.ts';
import { runMigrations, type Database } from '../store/db.ts';
import type { PriceHistory } from './providers/actions.ts';
import type { Rebase } from './split-adjust.ts';

/** Schema of the price cache, migration set `'bars'`. Append only. */
export const BARS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE bars (
     symbol TEXT NOT NULL,
     date TEXT NOT NULL,
     open REAL,
     high REAL,
     low REAL,
     close REAL,
     adj_close REAL NOT NULL,
     volume REAL,
     provider TEXT NOT NULL,
     PRIMARY KEY (symbol, date)
   ) WITHOUT ROWID;
   CREATE TABLE series_meta (
     symbol TEXT PRIMARY KEY,
     provider TEXT NOT NULL,
     fetched_at TEXT NOT NULL,
     first_date TEXT NOT NULL,
     last_date TEXT NOT NULL
   ) WITHOUT ROWID;`,
  // Corporate actions seen by a HistoryProvider: value is the dividend per share (on the bars'
  // split-adjusted basis) or the split ratio (new shares per old).
  `CREATE TABLE events (
     symbol TEXT NOT NULL,
     date TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('dividend', 'split')),
     value REAL NOT NULL,
     provider TEXT NOT NULL,
     PRIMARY KEY (symbol, date, kind)
   ) WITHOUT ROWID;`,
  // Warnings about a stored series that every answer using it must carry (a suspect move no second
  // source could confirm, providers/plausibility.ts); replaced with the series on a full download.
  `CREATE TABLE doubts (
     symbol TEXT NOT NULL,
     note TEXT NOT NULL,
     PRIMARY KEY (symbol, note)
   ) WITHOUT ROWID;`,
];

/** What the cache knows about one symbol's stored series. */
export interface SeriesMeta {
  readonly symbol: string;
  /** `name` of the provider the bars came from. */
  readonly provider: string;
  /** When upstream was last asked for this symbol (ISO instant), whether or not it had new bars. */
  readonly fetchedAt: string;
  readonly firstDate: string;
  readonly lastDate: string;
}

/** A history top-up, written in one transaction (see BarRepository.applyHistoryTopUp). */
export interface HistoryTopUp {
  meta: SeriesMeta;
  bars: readonly DailyBar[];
  history: PriceHistory;
  /** The provider that answered (a chain's member), recorded on the bars and events. */
  provider: string;
  /** What the stored rows before the anchor go through; none when nothing changes. */
  rebase: Rebase | undefined;
  /** Stored rows after this date are deleted (a provisional bar the provider no longer has). */
  dropAfter: string;
}

export interface BarRepository {
  meta(symbol: string): SeriesMeta | undefined;
  /**
   * A symbol's whole stored history as columns, straight from SQLite rows one at a time (no array
   * of every row, no DailyBar per row), in one read transaction.
   */
  read(symbol: string): DailySeries;
  /** Replaces everything stored for a symbol (bars, events, doubts, meta), atomically: a full download. */
  replaceAll(symbol: string, bars: readonly DailyBar[], meta: SeriesMeta, history?: PriceHistory): void;
  /** Adds or overwrites the given bars (from the default provider) and updates the meta, atomically. */
  merge(symbol: string, bars: readonly DailyBar[], meta: SeriesMeta): void;
  /**
   * In one transaction: the stored rows before the anchor through `rebase` (prices divided by each
   * split, volume multiplied, adjClose times the factor), rows after `dropAfter` deleted, then the
   * fetched bars, events, doubts and meta written.
   */
  applyHistoryTopUp(symbol: string, t: HistoryTopUp): void;
  doubts(symbol: string): string[];
  /** Which provider the stored bar of `date` came from, if there is one. */
  barProvider(symbol: string, date: string): string | undefined;
  /** Whether a split of `date` is stored (the bars have been put through it). */
  hasSplit(symbol: string, date: string): boolean;
  /** The stored split events, oldest first. */
  splits(symbol: string): { date: string; ratio: number }[];
  /** Every stored series' newest close, when it was fetched and the provider of its newest bar. */
  status(): { symbol: string; lastDate: string; fetchedAt: string; source: string }[];
}

export interface BarRepositoryOptions {
  /** Recorded on bars written without a provider of their own (`merge`). */
  defaultProvider: string;
  /** Interns each date read (one string per trading day across the cache's series). */
  intern?: (date: string) => string;
  /** Told each time a symbol's whole stored history is read, with the rows read. */
  onBarsRead?: (symbol: string, rows: number) => void;
}

interface MetaRow {
  symbol: string;
  provider: string;
  fetched_at: string;
  first_date: string;
  last_date: string;
}

type BarRow = [string, number | null, number | null, number | null, number | null, number, number | null];

export function createBarRepository(db: Database, opts: BarRepositoryOptions): BarRepository {
  runMigrations(db, 'bars', BARS_MIGRATIONS);
  const intern = opts.intern ?? ((d: string) => d);

  const selectMeta = db.prepare('SELECT symbol, provider, fetched_at, first_date, last_date FROM series_meta WHERE symbol = ?');
  const selectBars = db
    .prepare('SELECT date, open, high, low, close, adj_close, volume FROM bars WHERE symbol = ? ORDER BY date')
    .raw(true);
  const countBars = db.prepare('SELECT count(*) FROM bars WHERE symbol = ?').pluck(true);
  const deleteBars = db.prepare('DELETE FROM bars WHERE symbol = ?');
  const upsertBar = db.prepare(
    `INSERT INTO bars (symbol, date, open, high, low, close, adj_close, volume, provider)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(symbol, date) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
       close = excluded.close, adj_close = excluded.adj_close, volume = excluded.volume, provider = excluded.provider`,
  );
  const upsertMeta = db.prepare(
    `INSERT INTO series_meta (symbol, provider, fetched_at, first_date, last_date) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(symbol) DO UPDATE SET provider = excluded.provider, fetched_at = excluded.fetched_at,
       first_date = excluded.first_date, last_date = excluded.last_date`,
  );

  const deleteEvents = db.prepare('DELETE FROM events WHERE symbol = ?');
  const upsertEvent = db.prepare(
    `INSERT INTO events (symbol, date, kind, value, provider) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(symbol, date, kind) DO UPDATE SET value = excluded.value, provider = excluded.provider`,
  );
  const splitStored = db.prepare(
    `UPDATE bars SET open = open / @r, high = high / @r, low = low / @r, close = close / @r, volume = volume * @r
     WHERE symbol = @symbol AND date < @before`,
  );
  const rescaleAdj = db.prepare('UPDATE bars SET adj_close = adj_close * ? WHERE symbol = ? AND date < ?');
  const deleteAfter = db.prepare('DELETE FROM bars WHERE symbol = ? AND date > ?');
  const selectDoubts = db.prepare('SELECT note FROM doubts WHERE symbol = ? ORDER BY note').pluck();
  const deleteDoubts = db.prepare('DELETE FROM doubts WHERE symbol = ?');
  const insertDoubt = db.prepare('INSERT OR IGNORE INTO doubts (symbol, note) VALUES (?, ?)');
  const selectBarProvider = db.prepare('SELECT provider FROM bars WHERE symbol = ? AND date = ?').pluck();
  const selectSplit = db.prepare("SELECT 1 FROM events WHERE symbol = ? AND date = ? AND kind = 'split'");
  const selectSplits = db.prepare("SELECT date, value FROM events WHERE symbol = ? AND kind = 'split' ORDER BY date");
  const selectStatus = db
    .prepare(
      `SELECT m.symbol, m.last_date, m.fetched_at, coalesce(b.provider, m.provider) AS source
       FROM series_meta m LEFT JOIN bars b ON b.symbol = m.symbol AND b.date = m.last_date ORDER BY m.symbol`,
    )
    .raw(true);

  const writeBars = (symbol: string, bars: readonly DailyBar[], provider: string = opts.defaultProvider): void => {
    for (const b of bars) {
      upsertBar.run(symbol, b.date, b.open, b.high, b.low, b.close, b.adjClose, b.volume, provider);
    }
  };
  const writeEvents = (symbol: string, h: PriceHistory, provider: string): void => {
    for (const d of h.dividends) upsertEvent.run(symbol, d.date, 'dividend', d.amount, provider);
    for (const x of h.splits) upsertEvent.run(symbol, x.date, 'split', x.ratio, provider);
  };
  const writeMeta = (m: SeriesMeta): void => {
    upsertMeta.run(m.symbol, m.provider, m.fetchedAt, m.firstDate, m.lastDate);
  };

  const replaceAll = db.transaction((symbol: string, bars: readonly DailyBar[], meta: SeriesMeta, history?: PriceHistory) => {
    deleteBars.run(symbol);
    deleteEvents.run(symbol);
    deleteDoubts.run(symbol);
    for (const note of history?.doubts ?? []) insertDoubt.run(symbol, note);
    const provider = history?.provider ?? opts.defaultProvider;
    writeBars(symbol, bars, provider);
    if (history) writeEvents(symbol, history, provider);
    writeMeta(meta);
  });
  const merge = db.transaction((symbol: string, bars: readonly DailyBar[], meta: SeriesMeta) => {
    writeBars(symbol, bars);
    writeMeta(meta);
  });
  const applyHistoryTopUp = db.transaction((symbol: string, t: HistoryTopUp) => {
    if (t.rebase) {
      for (const r of t.rebase.splits) splitStored.run({ r, symbol, before: t.rebase.before });
      if (t.rebase.adjFactor !== null) rescaleAdj.run(t.rebase.adjFactor, symbol, t.rebase.before);
    }
    deleteAfter.run(symbol, t.dropAfter);
    writeBars(symbol, t.bars, t.provider);
    writeEvents(symbol, t.history, t.provider);
    for (const note of t.history.doubts ?? []) insertDoubt.run(symbol, note);
    writeMeta(t.meta);
  });

  // One read transaction: the count and the rows come from the same snapshot.
  const read = db.transaction((symbol: string): DailySeries => {
    const n = (countBars.get(symbol) as number | undefined) ?? 0;
    opts.onBarsRead?.(symbol, n);
    const dates = new Array<string>(n);
    const open: (number | null)[] = [];
    const high: (number | null)[] = [];
    const low: (number | null)[] = [];
    const close: (number | null)[] = [];
    const adjClose = new Float64Array(n);
    const volume: (number | null)[] = [];
    let i = 0;
    for (const row of selectBars.iterate(symbol)) {
      const r = row as BarRow;
      dates[i] = intern(r[0]);
      open.push(r[1]);
      high.push(r[2]);
      low.push(r[3]);
      close.push(r[4]);
      adjClose[i] = r[5];
      volume.push(r[6]);
      i++;
    }
    return { symbol, dates, open: compactColumn(open), high: compactColumn(high), low: compactColumn(low), close: compactColumn(close), adjClose, volume: compactColumn(volume) };
  });

  return {
    meta(symbol) {
      const r = selectMeta.get(symbol) as MetaRow | undefined;
      return r && { symbol: r.symbol, provider: r.provider, fetchedAt: r.fetched_at, firstDate: r.first_date, lastDate: r.last_date };
    },
    read: (symbol) => read(symbol),
    replaceAll: (symbol, bars, meta, history) => replaceAll(symbol, bars, meta, history),
    merge: (symbol, bars, meta) => merge(symbol, bars, meta),
    applyHistoryTopUp: (symbol, t) => applyHistoryTopUp(symbol, t),
    doubts: (symbol) => selectDoubts.all(symbol) as string[],
    barProvider: (symbol, date) => selectBarProvider.get(symbol, date) as string | undefined,
    hasSplit: (symbol, date) => selectSplit.get(symbol, date) !== undefined,
    splits(symbol) {
      const rows = selectSplits.all(symbol) as { date: string; value: number }[];
      return rows.map((r) => ({ date: r.date, ratio: r.value }));
    },
    status() {
      return (selectStatus.all() as [string, string, string, string][]).map(([symbol, lastDate, fetchedAt, source]) => ({ symbol, lastDate, fetchedAt, source }));
    },
  };
}
