/**
 * Universes: named groups of symbols that /leaders and /rotationmap rank or map against a benchmark.
 * This is the one definition; commands look a universe up by name and never list members themselves.
 *
 * A member's `name` is what it stands for in prose ("Energy", "Regional banks"), so commentary can say
 * "XLE (Energy) leads the sectors" without a lookup table elsewhere.
 */

export interface UniverseMember {
  readonly symbol: string;
  readonly name: string;
}

export interface Universe {
  /** What people type: `sectors`, `smallcap-drivers`, `styles`. */
  readonly id: string;
  /** How prose refers to the group after a verb: "XLE leads **the sectors**". */
  readonly label: string;
  /** What one counts them as: "6 of the 11 **sectors** beat SPY". */
  readonly plural: string;
  readonly members: readonly UniverseMember[];
}

/**
 * The market as a whole: the benchmark a universe is ranked, mapped and scanned against unless told
 * otherwise (/leaders, /rotationmap, /scan `vs:`), the one a lone symbol is measured against when a
 * question asks "is IWM outperforming?" (the commands' ask declarations), and so what "the market"
 * and "how did stocks do" mean in a question.
 */
export const MARKET_BENCHMARK = 'SPY';

/** The seven stocks themselves (the `mag7` universe, and the first of the bundled `stocks`). */
const MAGNIFICENT_SEVEN: readonly UniverseMember[] = [
  { symbol: 'AAPL', name: 'Apple' },
  { symbol: 'MSFT', name: 'Microsoft' },
  { symbol: 'GOOGL', name: 'Alphabet' },
  { symbol: 'AMZN', name: 'Amazon' },
  { symbol: 'META', name: 'Meta' },
  { symbol: 'NVDA', name: 'Nvidia' },
  { symbol: 'TSLA', name: 'Tesla' },
];

export const UNIVERSES: readonly Universe[] = [
  {
    id: 'sectors',
    label: 'the sectors',
    plural: 'sectors',
    // The 11 Select Sector SPDR funds, one per GICS sector of the S&P 500.
    members: [
      { symbol: 'XLB', name: 'Materials' },
      { symbol: 'XLC', name: 'Communication Services' },
      { symbol: 'XLE', name: 'Energy' },
      { symbol: 'XLF', name: 'Financials' },
      { symbol: 'XLI', name: 'Industrials' },
      { symbol: 'XLK', name: 'Technology' },
      { symbol: 'XLP', name: 'Consumer Staples' },
      { symbol: 'XLRE', name: 'Real Estate' },
      { symbol: 'XLU', name: 'Utilities' },
      { symbol: 'XLV', name: 'Health Care' },
      { symbol: 'XLY', name: 'Consumer Discretionary' },
    ],
  },
  {
    id: 'smallcap-drivers',
    label: 'the small-cap drivers',
    plural: 'small-cap drivers',
    // The groups that move the Russell 2000 most: regional banks and biotech are its largest industries.
    members: [
      { symbol: 'KRE', name: 'Regional banks' },
      { symbol: 'XBI', name: 'Biotech, equal weight' },
      { symbol: 'IBB', name: 'Biotech, cap weight' },
      { symbol: 'IWM', name: 'Small caps' },
    ],
  },
  {
    id: 'styles',
    label: 'the size and style groups',
    plural: 'size and style groups',
    members: [
      { symbol: 'IWM', name: 'Small caps' },
      { symbol: 'SPY', name: 'S&P 500' },
      { symbol: 'QQQ', name: 'Nasdaq-100' },
      { symbol: 'DIA', name: 'Dow industrials' },
      { symbol: 'MAGS', name: 'Magnificent Seven' },
    ],
  },
  {
    id: 'mag7',
    label: 'the Magnificent Seven',
    plural: 'Magnificent Seven stocks',
    // The seven stocks themselves; MAGS (in `styles`) is the fund that holds them in equal weight.
    members: MAGNIFICENT_SEVEN,
  },
  {
    id: 'stocks',
    label: 'the bundled stocks',
    plural: 'stocks',
    // Every single stock in the bundled data (data/README.md): the Magnificent Seven and three names
    // strategists' watchlists carry (the "snapback" letters' HOOD, SHOP, TOST).
    members: [
      ...MAGNIFICENT_SEVEN,
      { symbol: 'HOOD', name: 'Robinhood' },
      { symbol: 'SHOP', name: 'Shopify' },
      { symbol: 'TOST', name: 'Toast' },
    ],
  },
];

/** Other words people use for the same universes. */
const ALIASES: Readonly<Partial<Record<string, string>>> = {
  sector: 'sectors',
  spdrs: 'sectors',
  smallcaps: 'smallcap-drivers',
  'small-caps': 'smallcap-drivers',
  drivers: 'smallcap-drivers',
  style: 'styles',
  size: 'styles',
  'mag-7': 'mag7',
  magnificent7: 'mag7',
  'magnificent-seven': 'mag7',
  magnificent: 'mag7',
  stock: 'stocks',
  'single-stocks': 'stocks',
};

export const UNIVERSE_NAMES: readonly string[] = UNIVERSES.map((u) => u.id);

/** The universe a word names (case-insensitive, aliases included), or undefined when it names none. */
export function findUniverse(word: string): Universe | undefined {
  const w = word.trim().toLowerCase();
  const id = (Object.hasOwn(ALIASES, w) ? ALIASES[w] : undefined) ?? w;
  return UNIVERSES.find((u) => u.id === id);
}

/** The member's name within any universe ("Energy" for XLE), or undefined for a symbol in none. */
export function memberName(symbol: string): string | undefined {
  for (const u of UNIVERSES) {
    const m = u.members.find((x) => x.symbol === symbol);
    if (m) return m.name;
  }
  return undefined;
}
