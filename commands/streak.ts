/** /streak — how long A has been beating B, when that last happened, and the record streaks. */
import type { Answer } from '../src/answer/answer.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer, pick, thinIndices } from '../src/answer/build.ts';
import { streakSentence } from '../src/answer/phrases.ts';
import { formatDate, formatMonthYear, formatPercent } from '../src/core/format.ts';
import { movingAverage, ratioLine } from '../src/core/ratio.ts';
import { NotEnoughDataError } from '../src/core/series.ts';
import { analyzeStreak } from '../src/core/streaks.ts';
import { alignSeries } from '../src/core/align.ts';
import { defineCommand } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';

/** Sessions of history the chart shows before the current streak. */
const CHART_SESSIONS = 126;

export default defineCommand({
  name: 'streak',
  description: 'How many sessions in a row A has beaten B, the longest since when, and the record streaks',
  options: {
    a: opt.requiredSymbol({ description: 'The symbol whose out-performance is counted, e.g. IWM', positional: true }),
    b: opt.requiredSymbol({ description: 'The benchmark, e.g. SPY', positional: true }),
  },
  examples: ['/streak IWM SPY', '/streak IWM SPY asof:2026-01-21', '/streak XLE XLK'],
  async run(ctx, o): Promise<Answer> {
    if (o.a === o.b) throw new NotEnoughDataError(`compare ${o.a} with a different symbol; against itself there is never a streak`);
    const [sa, sb] = await Promise.all([ctx.series(o.a), ctx.series(o.b)]);
    const st = analyzeStreak(sa, sb);
    const end = st.dates.length - 1;
    if (end < 1) throw new NotEnoughDataError(`${o.a} and ${o.b} share fewer than two trading days`);
    const asOf = st.dates[end] as string;
    const a = emptyAnswer('streak', `${o.a} vs ${o.b} · out-performance streak`, asOf, ctx.sourceLabel);
    a.basis = `${BASIS_TOTAL_RETURN} A session counts when ${o.a}'s daily total return is strictly higher than ${o.b}'s.`;

    const sentence = streakSentence(st, { minLength: 1 });
    if (st.current) {
      a.lines.push(sentence ?? '');
    } else {
      a.lines.push(`${o.a} has no current streak: ${o.b} did better on ${formatDate(asOf)}.`);
      if (sentence) a.lines.push(sentence);
    }
    const cur = st.current;
    if (cur && cur.length >= 2) {
      const others = st.runs.filter((r) => r !== cur).reduce((mx, r) => Math.max(mx, r.length), 0);
      if (cur.length > others) a.lines.push(`That is **the longest streak on record** for ${o.a} over ${o.b} (data from ${formatMonthYear(st.dates[0] as string)}).`);
      else if (cur.length === others) a.lines.push(`That **ties the record** for ${o.a} over ${o.b} (data from ${formatMonthYear(st.dates[0] as string)}).`);
    }
    const run = st.current ?? st.opposite;
    const al = alignSeries([sa, sb]);
    const [xa, xb] = al.series;
    if (run && xa && xb && run.startIndex >= 1) {
      const from = run.startIndex - 1;
      const ga = (xa.adjClose[end] as number) / (xa.adjClose[from] as number) - 1;
      const gb = (xb.adjClose[end] as number) / (xb.adjClose[from] as number) - 1;
      a.lines.push(`Over the streak ${o.a} returned ${formatPercent(ga, 2)} against ${o.b}'s ${formatPercent(gb, 2)}.`);
    }
    if (st.top.length > 0) {
      a.lines.push(`Longest on record: ${st.top.slice(0, 5).map((r) => `${r.length} (${formatMonthYear(r.endDate)})`).join(', ')} — in data from ${formatMonthYear(st.dates[0] as string)}.`);
    }
    a.facts = {
      a: o.a,
      b: o.b,
      current: st.current?.length ?? 0,
      currentStart: st.current?.startDate ?? null,
      opposite: st.opposite?.length ?? 0,
      longestSince: st.longestSince?.kind === 'run' ? st.longestSince.run.endDate : st.longestSince?.kind === 'none' ? `none since ${st.longestSince.since}` : null,
      record: st.top[0]?.length ?? 0,
      recordEnd: st.top[0]?.endDate ?? null,
    };

    const from = Math.max(0, (run ? run.startIndex : end) - CHART_SESSIONS);
    const idx = thinIndices(from, end);
    const ratio = xa && xb ? ratioLine(xa.adjClose, xb.adjClose) : [];
    const ma = movingAverage(ratio, 50);
    const shadeA = st.runs.filter((r) => r.endIndex >= from && r.length >= 3).map((r) => ({ from: st.dates[Math.max(r.startIndex, from)] as string, to: r.endDate, label: `${o.a} streaks (3+ sessions)`, color: 'green' as const }));
    a.charts.push({
      kind: 'time',
      id: 'streak',
      title: `${o.a} relative to ${o.b}`,
      subtitle: `Total-return ratio ${o.a}/${o.b}; shaded: runs of 3+ sessions in which ${o.a} beat ${o.b} every day`,
      altText: `Ratio of ${o.a} to ${o.b} over the last ${idx.length} sessions with ${o.a}'s winning streaks shaded; ${st.current ? `current streak ${st.current.length} sessions` : 'no current streak'}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      dates: pick(st.dates, idx),
      panels: [
        {
          yLabel: `${o.a}/${o.b} ratio`,
          format: 'ratio',
          series: [
            { type: 'line', label: `${o.a}/${o.b}`, values: pick(ratio, idx), color: 'blue', width: 2.25 },
            { type: 'line', label: '50-day average', values: pick(ma, idx), color: 'gray', dashed: true, width: 1.5 },
          ],
        },
      ],
      shade: shadeA,
    });
    return a;
  },
});
