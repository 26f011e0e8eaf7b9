/**
 * /rotation — small caps against large and mega caps, the way a strategist's morning note opens.
 */
import type { Answer } from '../src/answer/answer.ts';
import type { DateRangeSpec } from '../src/answer/chart-spec.ts';
import { BASIS_LEVELS, BASIS_TOTAL_RETURN, chartFooter, emptyAnswer, pick, thinIndices } from '../src/answer/build.ts';
import { alignSeries } from '../src/core/align.ts';
import { formatDate, formatMonthYear, formatPercent, formatPrice } from '../src/core/format.ts';
import { highsAndLows, levelValues } from '../src/core/highs.ts';
import { describePeriod, formatPeriod, periodBaseIndex, type Period, periodLabel } from '../src/core/periods.ts';
import { movingAverage, ratioLine } from '../src/core/ratio.ts';
import { periodReturn, rebase } from '../src/core/returns.ts';
import { indexOnOrBefore, NotEnoughDataError, truncateAsOf, type DailySeries } from '../src/core/series.ts';
import { analyzeStreak } from '../src/core/streaks.ts';
import { defineCommand, type CommandContext } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { formatPoints, streakSentence } from '../src/answer/phrases.ts';

const MA_WINDOW = 50;
/** Charts show at least this many sessions so a 1-day or 1-week question still has context. */
const MIN_CHART_SESSIONS = 63;

export default defineCommand({
  name: 'rotation',
  description: 'Small caps vs large and mega caps: who leads, the streak, the ratio trend, new highs',
  options: {
    period: opt.period({ description: 'Look-back period (1d 1w 1m 3m 6m ytd 1y 3y 5y max, since:YYYY-MM-DD)', default: 'ytd', positional: true }),
    small: opt.symbol({ description: 'Small-cap proxy', default: 'IWM' }),
    large: opt.symbol({ description: 'Large-cap proxy', default: 'SPY' }),
    mega: opt.symbol({ description: 'Mega-cap proxy (falls back to QQQ before MAGS existed)', default: 'MAGS' }),
  },
  examples: ['/rotation', '/rotation 1m', '/rotation period:1y asof:2025-06-30', '/rotation small:^RUT large:^GSPC'],
  async run(ctx, o): Promise<Answer> {
    const [small, large] = await Promise.all([ctx.series(o.small), ctx.series(o.large)]);
    const mega = await megaCapSeries(ctx, o.mega, small, o.period);
    // Small vs large on their common days; the mega-cap proxy on its own calendar, so a day it
    // lacks (MAGS has a shorter, patchier history) never shifts the main comparison.
    const al = alignSeries([small, large]);
    const [s, l] = al.series as [DailySeries, DailySeries];
    const end = al.dates.length - 1;
    const base = periodBaseIndex(al.dates, o.period, end);
    if (end < 1 || base < 0) {
      throw new NotEnoughDataError(`${s.symbol} and ${l.symbol} trade together only from ${formatDate(al.dates[0] ?? ctx.asOf)}, not far enough back for ${formatPeriod(o.period)}`);
    }
    const asOf = al.dates[end] as string;
    // When small or large ends early (KRE's data stops Jul 2), the answer is as of that day: the
    // mega-cap proxy must not bring in its later closes.
    const m = truncateAsOf(mega, asOf);
    const when = describePeriod(o.period);
    const ret = (x: DailySeries, from: number) => (x.adjClose[end] as number) / (x.adjClose[from] as number) - 1;
    const rs = ret(s, base);
    const rl = ret(l, base);
    const megaReturn = periodReturn(m, o.period);
    const rm = megaReturn.change;
    const megaCurrent = megaReturn.to === asOf;
    const a = emptyAnswer('rotation', `Small vs large caps · ${periodLabel(o.period)}`, asOf, ctx.sourceLabel);
    a.basis = `${BASIS_TOTAL_RETURN} ${BASIS_LEVELS}`;
    a.period = { option: 'period', value: formatPeriod(o.period) };

    // 1. Who leads over the period, and by how much.
    const spread = rs - rl;
    const leader = Math.abs(spread) < 0.0005 ? null : spread > 0 ? 'Small caps' : 'Large caps';
    const verb = leader === null ? 'Small and large caps are level' : `**${leader} lead**`;
    a.lines.push(
      `${verb} ${when}: ${s.symbol} ${formatPercent(rs)} vs ${l.symbol} ${formatPercent(rl)} (${formatPoints(spread)}), with mega caps (${m.symbol}) ${formatPercent(rm)}.`,
    );
    const rsm = rs - rm;
    if (Math.abs(rsm) >= 0.0005) {
      a.lines.push(`Against mega caps, small caps are ${rsm > 0 ? 'ahead' : 'behind'} by ${formatPoints(Math.abs(rsm)).replace(/^\+/, '')}.`);
    }

    // 2. The day's move (skip when the period is the day itself: line 1 already says it).
    if (!(o.period.kind === 'named' && o.period.name === '1d')) {
      const mi = m.dates.length - 1;
      const megaDay = megaCurrent && mi >= 1 ? `, ${m.symbol} ${formatPercent((m.adjClose[mi] as number) / (m.adjClose[mi - 1] as number) - 1, 2)}` : '';
      a.lines.push(`On ${formatDate(asOf)}: ${s.symbol} ${formatPercent(ret(s, end - 1), 2)}, ${l.symbol} ${formatPercent(ret(l, end - 1), 2)}${megaDay}.`);
    }

    // 3. The current out-performance streak, in whichever direction it runs.
    // On the two series alone: the mega-cap proxy's calendar must not drop days from the streak.
    const st = analyzeStreak(small, large);
    const streakLine = streakSentence(st);
    if (streakLine) a.lines.push(streakLine);

    // 4. The small/large ratio against its 50-day average.
    const ratio = ratioLine(s.adjClose, l.adjClose);
    const ma = movingAverage(ratio, MA_WINDOW);
    const maNow = ma[end];
    let ratioVsMa: number | null = null;
    if (maNow !== null && maNow !== undefined) {
      ratioVsMa = (ratio[end] as number) / maNow - 1;
      a.lines.push(
        `The ${s.symbol}/${l.symbol} ratio is ${formatPercent(Math.abs(ratioVsMa)).replace(/^[+−]/, '')} ${ratioVsMa >= 0 ? 'above' : 'below'} its ${MA_WINDOW}-day average${crossedRecently(ratio, ma, end)}.`,
      );
    }

    // 5. New highs, only when there is one.
    const highs: string[] = [];
    for (const x of [s, l, m]) {
      const lv = levelValues(x);
      const h = highsAndLows(lv.values, x.dates);
      const price = lv.basis === 'close' ? ` at ${formatPrice(h.last)}` : '';
      if (h.isNewAllTimeHigh) highs.push(`${x.symbol} closed at an all-time high${price}`);
      else if (h.isNew52wHigh) highs.push(`${x.symbol} closed at a 52-week high${price}`);
    }
    if (highs.length > 0) a.lines.push(`${highs.join('; ')}.`);

    a.facts = {
      period: formatPeriod(o.period),
      from: al.dates[base] as string,
      small: s.symbol,
      large: l.symbol,
      mega: m.symbol,
      smallReturn: rs,
      largeReturn: rl,
      megaReturn: rm,
      spread,
      streakLeader: st.current ? s.symbol : st.opposite ? l.symbol : null,
      streakLength: st.current?.length ?? st.opposite?.length ?? 0,
      ratioVsMa50: ratioVsMa,
    };

    // Chart: rebased performance on top, the ratio and its average below. Rebased at the period's
    // start, so the lines end where the text's returns do; a short period shows earlier sessions
    // for context, shaded as before the period.
    const from = Math.max(0, Math.min(base, end - MIN_CHART_SESSIONS));
    const idx = thinIndices(from, end);
    const shade: DateRangeSpec[] = [];
    if (from < base) shade.push({ from: al.dates[from] as string, to: al.dates[base - 1] as string, label: 'Before the period', color: 'gray' });
    if (st.current && st.current.length >= 2 && st.current.startDate >= (al.dates[from] as string)) {
      shade.push({ from: st.current.startDate, to: st.current.endDate, label: `${s.symbol} streak`, color: 'orange' });
    }
    a.charts.push({
      kind: 'time',
      id: 'rotation',
      title: `Small vs large vs mega caps, ${when}`,
      subtitle: `Total return rebased to 100 on ${formatDate(al.dates[base] as string)}; ${s.symbol}/${l.symbol} ratio with its ${MA_WINDOW}-day average`,
      altText: `Line chart: ${s.symbol} ${formatPercent(rs)}, ${l.symbol} ${formatPercent(rl)}, ${m.symbol} ${formatPercent(rm)} ${when}; the ${s.symbol}/${l.symbol} ratio is ${ratioVsMa === null ? 'shown' : `${ratioVsMa >= 0 ? 'above' : 'below'} its ${MA_WINDOW}-day average`}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      dates: pick(al.dates, idx),
      panels: [
        {
          yLabel: 'Rebased (100 = start)',
          format: 'index',
          weight: 2,
          series: [
            { type: 'line', label: `${s.symbol} (small)`, values: pick(rebase(s.adjClose, base, 100, from), idx), color: 'orange', width: 2.5 },
            { type: 'line', label: `${l.symbol} (large)`, values: pick(rebase(l.adjClose, base, 100, from), idx), color: 'blue', width: 2.5 },
            { type: 'line', label: `${m.symbol} (mega)`, values: pick(onDates(m, al.dates, from, base), idx), color: 'purple', width: 2 },
          ],
          levels: [{ value: 100, label: 'Start', color: 'gray' }],
        },
        {
          yLabel: `${s.symbol}/${l.symbol} ratio`,
          format: 'ratio',
          weight: 1,
          series: [
            { type: 'line', label: `${s.symbol}/${l.symbol}`, values: pick(ratio, idx), color: 'teal', width: 2 },
            { type: 'line', label: `${MA_WINDOW}-day average`, values: pick(ma, idx), color: 'gray', dashed: true, width: 1.5 },
          ],
        },
      ],
      ...(shade.length > 0 ? { shade } : {}),
    });
    return a;
  },
});

/** MAGS began in April 2023; before that (or when the period reaches back further) use QQQ and say so. */
async function megaCapSeries(ctx: CommandContext, mega: string, small: DailySeries, period: Period): Promise<DailySeries> {
  if (mega !== 'MAGS') return ctx.series(mega);
  try {
    const mags = await ctx.series('MAGS');
    const al = alignSeries([small, mags]);
    if (periodBaseIndex(al.dates, period, al.dates.length - 1) >= 0) return mags;
    ctx.warn(`MAGS began trading ${formatMonthYear(mags.dates[0] as string)}, so QQQ (the Nasdaq-100) stands in for mega caps over this period.`);
  } catch (e) {
    if (!(e instanceof NotEnoughDataError)) throw e;
    ctx.warn('MAGS did not trade yet on that date, so QQQ (the Nasdaq-100) stands in for mega caps.');
  }
  return ctx.series('QQQ');
}

/** `s` rebased to 100 at `dates[from]` and laid on `dates` (null where it has no close). */
/** `s` on the chart's dates from index `from`, rebased to 100 at `dates[baseIndex]`. */
function onDates(s: DailySeries, dates: readonly string[], from: number, baseIndex: number): (number | null)[] {
  const byDate = new Map(s.dates.map((d, i) => [d, s.adjClose[i] as number]));
  const baseDate = dates[baseIndex] as string;
  const base = byDate.get(baseDate) ?? (s.adjClose[Math.max(0, indexOnOrBefore(s.dates, baseDate))] as number);
  return dates.map((d, i) => (i < from ? null : byDate.has(d) ? ((byDate.get(d) as number) / base) * 100 : null));
}

function crossedRecently(ratio: readonly number[], ma: readonly (number | null)[], end: number): string {
  const above = (i: number) => (ratio[i] as number) > (ma[i] ?? Infinity);
  const nowAbove = above(end);
  let k = end;
  while (k > 0 && ma[k - 1] !== null && above(k - 1) === nowAbove) k--;
  const sessions = end - k + 1;
  if (ma[k - 1] === null || k === 0) return '';
  return sessions <= 10 ? ` — it crossed ${nowAbove ? 'above' : 'below'} ${sessions === 1 ? 'today' : `${sessions} sessions ago`}` : '';
}
