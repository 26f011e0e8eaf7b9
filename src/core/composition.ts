/**
 * What a fund is made of: its sector weights and largest holdings as of a dated holdings snapshot.
 *
 * A **sector's rank** is its place among the fund's sectors by weight, largest first. Cash, money
 * market and derivative lines are not a sector: they are listed but never ranked. Weights are in
 * percent of the fund's market value, as the snapshot gives them.
 */

export interface SectorWeight {
  sector: string;
  /** Number of holdings in the sector (null when the snapshot does not say). */
  holdings: number | null;
  /** Percent of the fund (16.22 = 16.22%). */
  weight: number;
}

export interface TopHolding {
  ticker: string;
  name: string;
  sector: string;
  weight: number;
}

export interface FundHoldings {
  fund: string;
  name: string;
  /** The snapshot's date (ISO). */
  asOf: string;
  source: string;
  sectors: SectorWeight[];
  top: TopHolding[];
}

/** Lines that hold cash or derivatives rather than companies of a sector. */
export function isCashLine(sector: string): boolean {
  return /cash|derivative|money market/i.test(sector);
}

/** The sectors (cash lines left out), largest weight first; equal weights keep the snapshot's order. */
export function rankedSectors(h: FundHoldings): SectorWeight[] {
  return h.sectors.filter((s) => !isCashLine(s.sector)).sort((a, b) => b.weight - a.weight);
}

/** The sector matching `name` (case-insensitive, also by its first word: "tech" finds "Information Technology"), with its 1-based rank. */
export function sectorRank(h: FundHoldings, name: string): { sector: SectorWeight; rank: number } | null {
  const want = name.trim().toLowerCase();
  const ranked = rankedSectors(h);
  let i = ranked.findIndex((s) => s.sector.toLowerCase() === want);
  if (i < 0 && want.length >= 3) i = ranked.findIndex((s) => s.sector.toLowerCase().split(/\s+/).some((w) => w.startsWith(want)));
  const sector = ranked[i];
  return sector ? { sector, rank: i + 1 } : null;
}

/** Sum of every line's weight, cash included: about 100 for a complete snapshot. */
export function totalWeight(h: FundHoldings): number {
  return h.sectors.reduce((s, x) => s + x.weight, 0);
}
