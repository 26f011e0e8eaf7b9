/**
 * What a chart calls a symbol: the name people type for an index (SPX, not ^GSPC), the ticker for
 * everything else. The index names are the short aliases the symbol directory accepts.
 */
const INDEX_NAMES: Readonly<Record<string, string>> = {
  '^GSPC': 'SPX',
  '^RUT': 'RUT',
  '^IXIC': 'COMP',
  '^DJI': 'DJI',
  '^NDX': 'NDX',
  '^VIX': 'VIX',
};

/** '^GSPC' → 'SPX'; 'IWM' → 'IWM'; an unknown index keeps its ticker without the caret. */
export function chartName(symbol: string): string {
  return INDEX_NAMES[symbol] ?? (symbol.startsWith('^') ? symbol.slice(1) : symbol);
}
