/**
 * Levels of a year: "back to its 2022 high", "fall after its 2021 peak" are read as the level
 * ("its high"), never as the year's change, so the year is set aside before anything else reads.
 */
import type { Token } from '../normalize.ts';
import { YEAR } from './dates.ts';

/** Words after a year that make it a level of that year ("the 2022 low"), not a period. */
const PEAK_WORDS = new Set(['high', 'highs', 'low', 'lows', 'peak', 'peaks', 'top', 'bottom', 'trough', 'ath', 'record']);

export function setAsideExtremes(written: readonly Token[]): Token[] {
  return written.filter((t, k) => !(YEAR.test(t.word) && PEAK_WORDS.has(written[k + 1]?.word ?? '')));
}
