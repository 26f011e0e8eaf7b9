/**
 * /composition — what a fund is made of: sector weights and the largest holdings from its bundled
 * holdings snapshot (data/holdings/), with the snapshot's date, and one sector's weight and rank in a
 * sentence ("Financials are 16.2% of IWM, its 3rd-largest sector").
 */
import type { Answer } from '../src/answer/answer.ts';
import { emptyAnswer } from '../src/answer/build.ts';
import { isCashLine, rankedSectors, sectorRank, totalWeight, type FundHoldings } from '../src/core/composition.ts';
import { formatDate, ordinal } from '../src/core/format.ts';
import { defineCommand } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { holdingsFunds, loadHoldings } from '../src/data/holdings.ts';
import { echo } from '../src/echo.ts';
import { UserInputError } from '../src/errors.ts';
import { codeBlock } from './perf.ts';

/** The sector the sentence is about when none is asked for: the one the Russell 2000 letter wrote about. */
const DEFAULT_SECTOR = 'Financials';

function pct(w: number): string {
  return `${w.toFixed(1)}%`;
}

/** "Financials are 16.2% of IWM, its 3rd-largest sector (holdings as of May 5, 2026)." */
export function sectorSentence(h: FundHoldings, sector: string): string | null {
  const r = sectorRank(h, sector);
  if (!r) return null;
  const place = r.rank === 1 ? 'its largest sector' : `its ${ordinal(r.rank)}-largest sector`;
  return `**${r.sector.sector} are ${pct(r.sector.weight)} of ${h.fund}, ${place}** (holdings as of ${formatDate(h.asOf)}).`;
}

export default defineCommand({
  name: 'composition',
  description: 'What a fund is made of: sector weights and top holdings from a dated holdings snapshot',
  usesMarketData: false,
  options: {
    fund: opt.requiredSymbol({ description: 'The fund, e.g. IWM', positional: true }),
    sector: opt.text({ description: `The sector to put in a sentence (default ${DEFAULT_SECTOR})`, maxLength: 40, positional: true }),
  },
  examples: ['/composition IWM', '/composition IWM Industrials'],
  async run(ctx, o): Promise<Answer> {
    const h = await loadHoldings(o.fund);
    if (!h) {
      const funds = await holdingsFunds();
      throw new UserInputError(`I have no holdings snapshot for ${o.fund}.`, `Bundled: ${funds.join(', ')}.`);
    }
    const a = emptyAnswer('composition', `${h.fund} · what it holds`, null, `${h.source}, as of ${formatDate(h.asOf)}`);
    a.args = { fund: h.fund, ...(o.sector ? { sector: o.sector } : {}) };
    const ranked = rankedSectors(h);
    const asked = o.sector ?? (sectorRank(h, DEFAULT_SECTOR) ? DEFAULT_SECTOR : (ranked[0]?.sector ?? ''));
    const sentence = sectorSentence(h, asked);
    if (!sentence) throw new UserInputError(`${h.fund} has no sector called ${echo(asked)}.`, `Its sectors: ${ranked.map((s) => s.sector).join(', ')}.`);
    a.lines.push(sentence);
    const top3 = ranked.slice(0, 3);
    a.lines.push(`The largest sectors: ${top3.map((s) => `${s.sector} ${pct(s.weight)}`).join(', ')}; together ${pct(top3.reduce((s, x) => s + x.weight, 0))}.`);
    const cash = h.sectors.filter((s) => isCashLine(s.sector));
    a.lines.push(
      codeBlock(
        ['sector', 'holdings', 'weight'],
        [...ranked, ...cash].map((s) => [s.sector, s.holdings === null ? '' : String(s.holdings), `${s.weight.toFixed(2)}%`]),
      ),
    );
    if (h.top.length > 0) {
      const topSum = h.top.reduce((s, x) => s + x.weight, 0);
      a.lines.push(`The ${h.top.length} largest holdings are ${pct(topSum)} of the fund:`);
      a.lines.push(codeBlock(['', 'name', 'sector', 'weight'], h.top.map((t) => [t.ticker, t.name, t.sector, `${t.weight.toFixed(2)}%`]), 3));
    }
    const r = sectorRank(h, asked);
    a.facts = {
      fund: h.fund,
      holdingsAsOf: h.asOf,
      sector: r?.sector.sector ?? null,
      sectorWeight: r?.sector.weight ?? null,
      sectorRank: r?.rank ?? null,
      totalWeight: Math.round(totalWeight(h) * 100) / 100,
      sectors: ranked.length,
    };
    a.charts.push({
      kind: 'bars',
      id: 'composition',
      title: `${h.fund}: sector weights`,
      subtitle: `Percent of the fund’s market value; holdings as of ${formatDate(h.asOf)}`,
      altText: `Horizontal bars, largest first: ${ranked.map((s) => `${s.sector} ${pct(s.weight)}`).join(', ')}.`,
      footer: `Source: ${h.source} · holdings as of ${formatDate(h.asOf)} · tapebot`,
      categories: ranked.map((s) => s.sector),
      groups: [{ label: 'Weight', values: ranked.map((s) => s.weight / 100), color: 'blue' }],
      horizontal: true,
      valueLabel: 'Weight in the fund',
      format: 'share',
    });
    return a;
  },
});
