/**
 * /rotationmap — a relative rotation map: each member's weekly RS-Ratio (trend of relative strength) and
 * RS-Momentum (its rate of change) against a benchmark, with tails. Formulas: src/core/rotation-map.ts.
 */
import type { Answer } from '../src/answer/answer.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer } from '../src/answer/build.ts';
import { formatDate } from '../src/core/format.ts';
import {
  QUADRANT_NAMES,
  quadrantStay,
  rotationPath,
  ROTATION_WARMUP_WEEKS,
  RS_MOMENTUM_WEEKS,
  RS_RATIO_LONG_WEEKS,
  RS_RATIO_SHORT_WEEKS,
  weekNumbers,
  type Quadrant,
  type QuadrantStay,
  type RotationPoint,
} from '../src/core/rotation-map.ts';
import { lastDate, NotEnoughDataError } from '../src/core/series.ts';
import { MARKET_BENCHMARK, type UniverseMember } from '../src/core/universes.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { leftOutSentence, listing, type LeftOut } from '../src/answer/phrases.ts';
import { loadUniverse, UNIVERSE_OPTIONS } from '../src/command/universe.ts';
import { codeBlock } from '../src/answer/table.ts';
import { at } from '../src/core/at.ts';

/** Clockwise, the order members travel: how the table groups them. */
const CLOCKWISE: readonly Quadrant[] = ['leading', 'weakening', 'lagging', 'improving'];
/** A stay in one quadrant worth a sentence. */
const NOTABLE_STAY_WEEKS = 6;

interface Placed {
  member: UniverseMember;
  points: RotationPoint[];
  head: RotationPoint;
  /** Last week's point, when there is one. */
  before: RotationPoint | null;
  stay: QuadrantStay;
}

const index = (x: number): string => x.toFixed(1);

/** What /rotationmap found; `--json` prints it. */
export type RotationMapFacts = {
  universe: string;
  benchmark: string;
  /** The last day of the latest (possibly partial) week. */
  week: string;
  tail: number;
  /** Members in each quadrant. */
  leading: number;
  weakening: number;
  lagging: number;
  improving: number;
  /** Each member on the map: its quadrant, RS-Ratio and RS-Momentum now, last week's quadrant, and weeks in this one. */
  members: Record<string, { quadrant: Quadrant; ratio: number; momentum: number; previous: Quadrant | null; weeks: number }>;
};

/** How /rotationmap is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  topic: 'the rotation map',
  strong: ['rotation map', 'rotationmap', 'rotation graph', 'relative rotation', 'rrg', 'quadrant', 'quadrants', 'rs ratio', 'rs momentum', 'sector rotation'],
  examples: ['where are the sectors on the rotation map?'],
  outranks: ['rotation'],
  needsNoSymbol: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'rotationmap',
  description: 'Relative rotation map: weekly RS-Ratio and RS-Momentum vs a benchmark, with tails',
  options: {
    ...UNIVERSE_OPTIONS,
    vs: opt.symbol({ description: 'Benchmark to measure against', default: MARKET_BENCHMARK }),
    tail: opt.integer({ description: 'Weeks of path drawn behind each member (2–26)', min: 2, max: 26, default: 8 }),
  },
  examples: ['/rotationmap', '/rotationmap smallcap-drivers', '/rotationmap styles tail:12', '/rotationmap sectors asof:2025-12-31', '/rotationmap XLE XLK XLF vs:QQQ'],
  async run(ctx, o): Promise<Answer<RotationMapFacts>> {
    const u = await loadUniverse(ctx, o.universe, o.symbols, o.vs);
    const vs = u.benchmark.symbol;
    const asOf = lastDate(u.benchmark);
    const leftOut: LeftOut[] = [...u.leftOut];
    const placed: Placed[] = [];
    const benchmarkWeeks = weekNumbers(u.benchmark.dates); // read once for every member
    for (const { member, series } of u.members) {
      const { points } = rotationPath(series, u.benchmark, benchmarkWeeks);
      const head = points[points.length - 1];
      const stay = quadrantStay(points);
      if (!head || !stay) {
        leftOut.push({ symbol: member.symbol, reason: `it needs ${ROTATION_WARMUP_WEEKS} weeks of prices alongside ${vs}` });
        continue;
      }
      placed.push({ member, points, head, before: points[points.length - 2] ?? null, stay });
    }
    if (placed.length === 0) {
      throw new NotEnoughDataError(`${leftOut.map((l) => l.symbol).join(', ')}: too little common history with ${vs} for a rotation map (${ROTATION_WARMUP_WEEKS} weeks needed)`);
    }
    placed.sort((x, y) => CLOCKWISE.indexOf(x.head.quadrant) - CLOCKWISE.indexOf(y.head.quadrant) || y.head.ratio - x.head.ratio);
    const week = placed.reduce((d, p) => (p.head.date > d ? p.head.date : d), '');

    const group = u.universe ? `${u.universe.plural[0]?.toUpperCase() ?? ''}${u.universe.plural.slice(1)}` : placed.map((p) => p.member.symbol).join(', ');
    const a = emptyAnswer('rotationmap', `Rotation map: ${u.universe ? u.universe.plural : 'your symbols'} vs ${vs}`, asOf, ctx.sourceLabel);
    a.basis =
      `${BASIS_TOTAL_RETURN} Weekly closes; the latest week ends ${formatDate(week)}. RS-Ratio = 100 × the ${RS_RATIO_SHORT_WEEKS}-week average of the ratio to ${vs} ÷ its ${RS_RATIO_LONG_WEEKS}-week average; ` +
      `RS-Momentum = 100 × RS-Ratio ÷ RS-Ratio ${RS_MOMENTUM_WEEKS} weeks earlier.`;

    // 1. How the members are spread over the quadrants.
    const counts = CLOCKWISE.map((q) => [q, placed.filter((p) => p.head.quadrant === q).length] as const);
    a.lines.push(
      `${group} against ${vs}, weekly to ${formatDate(week)}: ${counts
        .filter(([, n]) => n > 0)
        .map(([q, n]) => `${n} ${QUADRANT_NAMES[q]}`)
        .join(', ')}.`,
    );

    // 2. Who changed quadrant this week, with the coordinate that crossed 100.
    const movers = placed.filter((p) => p.before !== null && p.before.quadrant !== p.head.quadrant);
    if (movers.length > 0) {
      const moves = movers.map((p, k) => {
        const from = p.before as RotationPoint;
        const crossed = [
          ...((from.ratio > 100) !== (p.head.ratio > 100) ? [`RS-Ratio ${index(p.head.ratio)}`] : []),
          ...((from.momentum > 100) !== (p.head.momentum > 100) ? [`RS-Momentum ${index(p.head.momentum)}`] : []),
        ];
        return `${k === 0 ? `**${p.member.symbol}** moved` : p.member.symbol} from ${QUADRANT_NAMES[from.quadrant]} into ${QUADRANT_NAMES[p.head.quadrant]} (${crossed.join(', ')})`;
      });
      a.lines.push(`This week ${listing(moves)}.`);
    }

    // 3. The strongest and weakest relative trends.
    const byRatio = [...placed].sort((x, y) => y.head.ratio - x.head.ratio);
    const top = at(byRatio, 0);
    const bottom = at(byRatio, byRatio.length - 1);
    if (placed.length >= 2) {
      a.lines.push(
        `${top.member.symbol} has the strongest relative trend, RS-Ratio ${index(top.head.ratio)}: over the past ${RS_RATIO_SHORT_WEEKS} weeks its ratio to ${vs} averaged ${pctOff(top.head.ratio)} its ${RS_RATIO_LONG_WEEKS}-week average; ${bottom.member.symbol} has the weakest, ${index(bottom.head.ratio)}.`,
      );
    }

    // 4. A long stay in one quadrant.
    const longest = [...placed].sort((x, y) => y.stay.weeks - x.stay.weeks)[0];
    if (longest && longest.stay.weeks >= NOTABLE_STAY_WEEKS) {
      a.lines.push(`${longest.member.symbol} has been ${QUADRANT_NAMES[longest.stay.quadrant]} for ${longest.stay.weeks} weeks${placed.length > 1 ? ', the longest stay on the map' : ''}.`);
    }

    a.lines.push(
      codeBlock(
        ['', 'RS-Ratio', 'RS-Mom', 'Quadrant', 'Weeks', 'Last week'],
        placed.map((p) => [
          p.member.symbol,
          index(p.head.ratio),
          index(p.head.momentum),
          QUADRANT_NAMES[p.head.quadrant],
          String(p.stay.weeks),
          p.before ? QUADRANT_NAMES[p.before.quadrant] : '—',
        ]),
      ),
    );
    const lo = leftOutSentence('Not on the map', leftOut);
    if (lo) a.lines.push(lo);

    const inQuadrant = (q: Quadrant) => placed.filter((p) => p.head.quadrant === q).length;
    const facts: RotationMapFacts = {
      universe: u.universe?.id ?? 'custom',
      benchmark: vs,
      week,
      tail: o.tail,
      leading: inQuadrant('leading'),
      weakening: inQuadrant('weakening'),
      lagging: inQuadrant('lagging'),
      improving: inQuadrant('improving'),
      members: Object.fromEntries(
        placed.map((p) => [p.member.symbol, { quadrant: p.head.quadrant, ratio: p.head.ratio, momentum: p.head.momentum, previous: p.before?.quadrant ?? null, weeks: p.stay.weeks }]),
      ),
    };

    // Words of the answer's sentences (not its table): the symbols the text names.
    const said = new Set(a.lines.filter((l) => !l.startsWith('```')).flatMap((l) => l.split(/[^A-Za-z0-9^.-]+/)));
    a.charts.push({
      kind: 'rotation',
      id: 'rotationmap',
      title: `${group}: rotation vs ${vs}`,
      subtitle: `Weekly, ${o.tail}-week tails to ${formatDate(week)}; right = stronger relative trend, up = gaining`,
      altText: `Rotation map of ${placed.length} against ${vs}: ${CLOCKWISE.map((q) => {
        const names = placed.filter((p) => p.head.quadrant === q).map((p) => p.member.symbol);
        return names.length > 0 ? `${QUADRANT_NAMES[q]} ${names.join(', ')}` : null;
      })
        .filter((x) => x !== null)
        .join('; ')}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      xLabel: `RS-Ratio (trend of relative strength vs ${vs})`,
      yLabel: 'RS-Momentum (its rate of change)',
      items: placed.map((p) => ({ label: p.member.symbol, symbol: p.member.symbol, tail: p.points.slice(-o.tail).map((q) => ({ x: q.ratio, y: q.momentum, date: q.date })) })),
      // The map names the symbols the text talks about; the legend lists the rest (asking for fewer symbols labels them all).
      labelled: placed.length <= 5 ? placed.map((p) => p.member.symbol) : placed.map((p) => p.member.symbol).filter((sym) => said.has(sym)),
    });
    return { ...a, facts };
  },
});

/** RS-Ratio 103.6 → "3.6% above"; 97.0 → "3.0% below". */
function pctOff(ratio: number): string {
  const d = ratio - 100;
  return `${Math.abs(d).toFixed(1)}% ${d >= 0 ? 'above' : 'below'}`;
}
