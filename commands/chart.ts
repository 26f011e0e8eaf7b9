/**
 * /chart — the price chart a trader pulls up first: candles or a line, the 50- and 200-day moving
 * averages, and volume, with a few lines on where the price stands against them.
 */
import type { Answer } from '../src/answer/answer.ts';
import type { TimeSeriesSpec } from '../src/answer/chart-spec.ts';
import { chartFooter, emptyAnswer, pick, thinIndices } from '../src/answer/build.ts';
import { fmtLevel, pctAbs } from '../src/answer/phrases.ts';
import { hasOhlc, levelBasisNote, levelValuesIn, missingCloses } from '../src/core/basis.ts';
import { lastCross, sideRun } from '../src/core/averages.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { describePeriod, formatPeriod, periodBaseIndex, periodLabel } from '../src/core/periods.ts';
import { movingAverage } from '../src/core/ratio.ts';
import { resampleBars, type BarInterval } from '../src/core/resample.ts';
import { NotEnoughDataError } from '../src/core/series.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { chartName } from '../src/answer/names.ts';
import { at } from '../src/core/at.ts';

const FAST = 50;
const SLOW = 200;
/** The chart shows at least this many sessions, so a 1-day or 1-week question still has context. */
const MIN_SESSIONS = 22;
/** Daily candles up to this many sessions (about six months); beyond, a line or weekly/monthly candles. */
const CANDLE_SESSIONS = 130;
/** Most bars drawn as candles; more than this many weeks draws monthly candles. */
const MAX_CANDLES = 160;
/** Points per line on long charts: legible at 1000 px and quick to draw (volume bars average the sessions between). */
const CHART_POINTS = 500;
/** Price spans beyond this ratio (high / low) are drawn on a log scale, so early years stay readable. */
const LOG_SCALE_RATIO = 4;
/** Volume this far from its 50-day average is worth a sentence (1.5× or more, or half or less). */
const HEAVY_VOLUME = 1.5;
const LIGHT_VOLUME = 0.5;
/** Runs on one side of the 200-day this short are "just crossed", this long are "has held". */
const JUST_CROSSED = 5;
const LONG_RUN = 60;

/** "2.1% above its 50-day average", or "right at" it when the gap rounds to nothing. */
function versus(gap: number, what: string): string {
  if (Math.abs(gap) < 0.0005) return `right at ${what}`;
  return `${pctAbs(gap)} ${gap > 0 ? 'above' : 'below'} ${what}`;
}

/** 12_400_000 → '12.4M'. */
function fmtVolume(x: number): string {
  const [div, unit] = x >= 1e9 ? [1e9, 'B'] : x >= 1e6 ? [1e6, 'M'] : x >= 1e3 ? [1e3, 'K'] : [1, ''];
  return `${(x / div).toFixed(div === 1 ? 0 : 1)}${unit}`;
}

/** How /chart is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  tailored: 'chart {symbol} 6 months',
  topic: 'a chart',
  strong: ['chart', 'charts', 'plot', 'graph', 'candles', 'candlestick', 'candlesticks'],
  // The chart's lines start with the last price.
  weak: ['price', 'prices', 'quote', 'trading at', 'trading', 'last price', 'share price'],
  examples: ['chart XLE 6 months'],
  yields: true,
  withSeveral: 'compare',
  weakAnswersOne: true,
  answersMovingAverages: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'chart',
  description: 'Price chart with the 50- and 200-day averages and volume; candles or a line',
  options: {
    symbol: opt.requiredSymbol({ description: 'The symbol, e.g. SPY', positional: true }),
    period: opt.period({ description: 'How much history (1m 3m 6m ytd 1y 3y 5y max, since:YYYY-MM-DD)', default: '1y' }),
    style: opt.choice({ description: 'candles or line (auto: candles up to 6 months, a line beyond)', choices: ['auto', 'candles', 'line'], default: 'auto' }),
  },
  examples: ['/chart SPY', '/chart IWM 3m', '/chart QQQ period:5y style:line', '/chart XLE 6m style:candles asof:2025-12-31'],
  async run(ctx, o): Promise<Answer> {
    const s = await ctx.series(o.symbol);
    const sym = s.symbol;
    const end = s.dates.length - 1;
    if (end < 1) throw new NotEnoughDataError(`${sym} has a single close on or before ${formatDate(ctx.asOf)}: nothing to chart`, sym);
    const asOf = at(s.dates, end);
    const a = emptyAnswer('chart', `${sym} · ${periodLabel(o.period)}`, asOf, ctx.sourceLabel);
    a.period = { option: 'period', value: formatPeriod(o.period) };

    let base = periodBaseIndex(s.dates, o.period, end);
    let when = describePeriod(o.period);
    if (base < 0) {
      a.warnings.push(`${sym}'s history starts ${formatDate(at(s.dates, 0))}, so the chart starts there.`);
      base = 0;
      when = `since ${formatDate(at(s.dates, 0))}`;
    }
    const from = Math.max(0, Math.min(base, end - MIN_SESSIONS + 1));
    // Moving averages are computed over the full history, so the chart's first day already has them;
    // the basis only needs closes over the window and the slow average's look-back.
    const { values, basis } = levelValuesIn(s, Math.max(0, from - SLOW + 1), end);
    const onClose = basis === 'close';
    const gaps = onClose ? [] : missingCloses(s, 0, end);
    const allMissing = gaps.length === 1 && gaps[0]?.fromIndex === 0 && gaps[0].toIndex === end;
    a.basis = `${levelBasisNote(sym, basis, gaps, allMissing)} Returns “with dividends” use total return.`;
    const fast = movingAverage(values, FAST);
    const slow = movingAverage(values, SLOW);
    const last = at(values, end);
    const isDay = o.period.kind === 'named' && o.period.name === '1d';

    // 1. Price and change.
    const dayMove = last / at(values, end - 1) - 1;
    const change = last / at(values, base) - 1;
    const total = at(s.adjClose, end) / at(s.adjClose, base) - 1;
    const head = onClose ? `**${sym} ${fmtLevel(sym, last)}**` : `**${sym}**`;
    if (isDay) {
      a.lines.push(`${head} on ${formatDate(asOf)}: ${formatPercent(dayMove, 2)} on the day.`);
    } else if (onClose) {
      const withDiv = Math.abs(total - change) >= 0.0005 ? ` (${formatPercent(total)} with dividends)` : '';
      a.lines.push(`${head} on ${formatDate(asOf)} (${formatPercent(dayMove, 2)} on the day): ${formatPercent(change)} ${when}${withDiv}.`);
    } else {
      a.lines.push(`${head} returned ${formatPercent(total)} ${when} with dividends reinvested, ${formatPercent(dayMove, 2)} on ${formatDate(asOf)}.`);
    }

    // 2. Against the averages.
    const f = fast[end];
    const sl = slow[end];
    if (f != null && sl != null) {
      const vsF = last / f - 1;
      const vsS = last / sl - 1;
      const run = sideRun(values, slow, end);
      let tail = '';
      if (run && run.sessions <= JUST_CROSSED) tail = `; it crossed ${run.side} the ${SLOW}-day ${run.sessions === 1 ? 'on this close' : `${run.sessions} sessions ago`}`;
      else if (run && run.sessions >= LONG_RUN) tail = `, where it has closed for ${run.sessions} sessions in a row`;
      a.lines.push(`It is ${versus(vsF, `its ${FAST}-day average`)}${onClose ? ` (${fmtLevel(sym, f)})` : ''} and ${versus(vsS, `its ${SLOW}-day`)}${onClose ? ` (${fmtLevel(sym, sl)})` : ''}${tail}.`);
      const cross = lastCross(fast, slow, end);
      if (cross && cross.index > base) {
        a.lines.push(
          `The ${FAST}-day crossed ${cross.side} the ${SLOW}-day on ${formatDate(at(s.dates, cross.index))} (a ${cross.side === 'above' ? 'golden' : 'death'} cross).`,
        );
      }
    } else if (f != null) {
      const vsF = last / f - 1;
      a.lines.push(`It is ${versus(vsF, `its ${FAST}-day average`)}; there are not yet ${SLOW} sessions for the ${SLOW}-day.`);
    }

    // 3. The period's range, when the period is long enough to have one.
    if (end - base >= 10) {
      let hi = base;
      let lo = base;
      for (let i = base; i <= end; i++) {
        if (at(values, i) > at(values, hi)) hi = i;
        if (at(values, i) < at(values, lo)) lo = i;
      }
      const hv = at(values, hi);
      const lv = at(values, lo);
      const where = hi === end ? 'closing at the top of that range' : `closing ${pctAbs(last / hv - 1)} below the top`;
      const low = `${onClose ? `${fmtLevel(sym, lv)} ` : 'a low '}(${formatDate(at(s.dates, lo))})`;
      const high = `${onClose ? `${fmtLevel(sym, hv)} ` : `a high ${pctAbs(hv / lv - 1)} above it `}(${formatDate(at(s.dates, hi))})`;
      const lead = when === 'year to date' ? 'This year' : `${when.charAt(0).toUpperCase()}${when.slice(1)}`;
      a.lines.push(`${lead} it traded between ${low} and ${high}, ${where}.`);
    }

    // 4. Volume, only when unusual.
    const vol = s.volume[end];
    let avgVol: number | null = null;
    if (vol != null && end >= FAST) {
      let sum = 0;
      let n = 0;
      for (let i = end - FAST; i < end; i++) {
        const v = s.volume[i];
        if (v != null) {
          sum += v;
          n++;
        }
      }
      if (n === FAST && sum > 0) avgVol = sum / n;
    }
    const volRatio = vol != null && avgVol !== null ? vol / avgVol : null;
    if (vol != null && volRatio !== null && (volRatio >= HEAVY_VOLUME || volRatio <= LIGHT_VOLUME)) {
      a.lines.push(`Volume was ${volRatio >= 1 ? 'heavy' : 'light'}: ${fmtVolume(vol)} shares, ${volRatio.toFixed(1)}× its ${FAST}-day average.`);
    }

    a.facts = {
      symbol: sym,
      basis,
      period: formatPeriod(o.period),
      from: at(s.dates, base),
      close: last,
      change,
      totalReturn: total,
      dayChange: dayMove,
      ma50: f ?? null,
      ma200: sl ?? null,
      volume: vol ?? null,
      volumeVsAverage: volRatio,
    };

    // Chart: daily candles for short windows, weekly or monthly candles when asked for on long ones.
    const sessions = end - from + 1;
    const ohlc = onClose && hasOhlc(s, from, end);
    let style: 'candles' | 'line' = o.style === 'auto' ? (sessions <= CANDLE_SESSIONS && ohlc ? 'candles' : 'line') : o.style;
    if (style === 'candles' && !ohlc) {
      a.warnings.push(`${sym} has no complete open/high/low/close data over this period, so the chart is a line.`);
      style = 'line';
    }
    const interval: BarInterval | null = style === 'candles' && sessions > CANDLE_SESSIONS ? (sessions / 5 <= MAX_CANDLES ? 'week' : 'month') : null;

    // Total return has no meaningful dollar level: draw it rebased to 100 on the chart's first day.
    const k = onClose ? 1 : 100 / at(values, from);
    const scaled = (xs: readonly (number | null)[]) => (k === 1 ? [...xs] : xs.map((x) => (x === null ? null : x * k)));
    let dates: string[];
    let priceSeries: TimeSeriesSpec;
    let fastShown: (number | null)[];
    let slowShown: (number | null)[];
    let volShown: (number | null)[];
    let moveShown: (number | null)[];
    if (interval) {
      const bars = resampleBars(s, interval, from, end);
      dates = bars.dates;
      priceSeries = { type: 'candles', label: `${sym} (${interval}ly)`, open: bars.open, high: bars.high, low: bars.low, close: bars.close };
      fastShown = scaled(pick(fast, bars.lastIndex));
      slowShown = scaled(pick(slow, bars.lastIndex));
      volShown = bars.volume;
      moveShown = bars.lastIndex.map((li, k) => at(values, li) - (values[at(bars.firstIndex, k) - 1] ?? at(bars.open, k) ?? at(values, li)));
    } else {
      const idx = style === 'candles' ? thinIndices(from, end, CANDLE_SESSIONS) : thinIndices(from, end, CHART_POINTS);
      dates = pick(s.dates, idx);
      priceSeries =
        style === 'candles'
          ? { type: 'candles', label: sym, open: pick(s.open, idx), high: pick(s.high, idx), low: pick(s.low, idx), close: pick(s.close, idx) }
          : { type: 'line', label: onClose ? `${chartName(sym)} close` : `${chartName(sym)} total return`, symbol: sym, values: scaled(pick(values, idx)), width: 2 };
      fastShown = scaled(pick(fast, idx));
      slowShown = scaled(pick(slow, idx));
      // A thinned point stands for the sessions since the previous one: their average volume and net move.
      volShown = [];
      moveShown = [];
      idx.forEach((i, k) => {
        const prev = k === 0 ? i - 1 : at(idx, k - 1);
        let sum = 0;
        let complete = true;
        for (let j = prev + 1; j <= i; j++) {
          const v = s.volume[j];
          if (v == null) complete = false;
          else sum += v;
        }
        volShown.push(complete && i > prev ? sum / (i - prev) : null);
        moveShown.push(prev >= 0 ? at(values, i) - at(values, prev) : null);
      });
    }
    const hasVolume = volShown.some((v) => v !== null && v > 0);
    const shownValues = values.slice(from, end + 1);
    const logScale = Math.max(...shownValues) / Math.min(...shownValues) > LOG_SCALE_RATIO;
    const candleWord = interval ? `${interval === 'week' ? 'Weekly' : 'Monthly'} candles` : style === 'candles' ? 'Daily candles' : onClose ? 'Daily closes' : `Total return (dividends reinvested), 100 = ${formatDate(at(s.dates, from))},`;
    a.charts.push({
      kind: 'time',
      id: 'chart',
      title: `${chartName(sym)}, ${when}`,
      subtitle: `${candleWord} with the ${FAST}- and ${SLOW}-day moving averages${logScale ? ' (log scale)' : ''}${hasVolume ? `; ${interval ? `${interval}ly volume` : sessions > dates.length ? 'average daily volume' : 'volume'} below, coloured by the move` : ''}`,
      altText: `${style === 'candles' ? 'Candlestick' : 'Line'} chart of ${sym} ${when} with its ${FAST}- and ${SLOW}-day averages${hasVolume ? ' and volume' : ''}. ${(a.lines[0] ?? '').replace(/\*\*/g, '')}`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      dates,
      panels: [
        {
          yLabel: onClose ? (sym.startsWith('^') ? 'Index level' : 'Price') : 'Total return (rebased)',
          format: onClose ? (sym.startsWith('^') ? 'index' : 'price') : 'index',
          weight: 3,
          logScale,
          series: [
            priceSeries,
            { type: 'line', label: `${FAST}-day average`, values: fastShown, color: 'orange', width: 1.5 },
            { type: 'line', label: `${SLOW}-day average`, values: slowShown, color: 'purple', width: 1.5 },
          ],
        },
        ...(hasVolume
          ? [{ yLabel: 'Volume', format: 'volume' as const, weight: 1, series: [{ type: 'bar' as const, label: 'Volume', values: volShown, colorBySign: true, signOf: moveShown }] }]
          : []),
      ],
      // A period shorter than the chart's month of context (1d, 1w) is highlighted in it.
      ...(from < base ? { shade: [{ from: at(s.dates, base + 1), to: asOf, label: periodLabel(o.period), color: 'blue' as const }] } : {}),
    });
    return a;
  },
});
