/**
 * Real questions whose answers carry charts: every chart type, over varied dates and symbols, run
 * against the bundled prices. The gallery draws them for review by eye, and test/charts/readable
 * holds every chart they give to the overlap and size-floor rules.
 */
const DATES = ['2026-08-21', '2026-01-21', '2026-01-06', '2025-06-30', '2025-04-09', '2024-11-08', '2023-05-26'] as const;

/** The latest bundled close first, then older days, so a quick look shows today's charts. */
export function chartCorpus(): string[] {
  const out: string[] = [];
  DATES.forEach((d, k) => {
    const asof = ` asof:${d}`;
    const pick = <T>(xs: readonly T[]): T => xs[k % xs.length] as T;
    out.push(
      `/rotation${asof}`,
      `/rotation ${pick(['ytd', '1d', '1w', '1m', '3m', '1y'])}${asof}`,
      `/rotationmap${asof}`,
      `/compare ${pick(['IWM SPY', 'SPX RUT COMP', 'XLE XLK', 'QQQ IWM DIA', 'KRE XLF', 'NVDA MSFT AAPL', 'GLD TLT'])} period:${pick(['1y', 'max', '1d', 'ytd', '3m', '1w', '6m'])}${asof}`,
      `/streak ${pick(['IWM SPY', 'XLE XLK', 'QQQ SPY', 'KRE XLF', 'XLU XLP', 'GLD SPY', 'XLV XLI'])}${asof}`,
      `/chart ${pick(['SPY', 'NVDA', 'KRE', 'BTC-USD', 'XLE', 'SPX', 'TSLA'])} period:${pick(['6m', '1d', '1y', '3m', 'ytd', '1w', 'max'])}${asof}`,
      `/breakout ${pick(['KRE', 'SPY', 'XLK', 'IWM', 'GLD', 'XLF', 'NVDA'])}${asof}`,
      `/drawdown ${pick(['IWM', 'SPY', 'QQQ', 'XLE', 'TSLA', 'KRE', 'TLT'])}${asof}`,
      `/perf ${pick(['SPY QQQ IWM', 'XLE', 'XLK XLF XLE XLV', 'SPY QQQ IWM DIA MAGS', 'GLD SLV TLT', 'NVDA AAPL', 'IWM'])}${asof}`,
      `/leaders sectors period:${pick(['1m', '3m', 'ytd', '1w', '1y', '6m', '1d'])}${asof}`,
      `/digest preview ${pick(['close', 'sectors', 'rotation'])}${asof}`,
      `/analogs ${pick(['IWM vs:SPY event:streak', 'SPY event:record', 'QQQ decline 20', 'SPY level 600', 'IWM streak 8 vs:SPY', 'XLE vs:SPY event:streak', 'KRE decline 20'])}${asof}`,
      `/scan ${pick(['snapback stocks', 'breakouts sectors', 'streaks mag7 vs:SPY', 'unwind stocks', 'all stocks', 'breakouts stocks', 'snapback sectors'])}${asof}`,
      // A second scan a day, picked to find names: the small multiples over every universe and scan.
      `/scan ${pick(['streaks stocks', 'unwind stocks', 'breakouts sectors', 'breakouts SPX COMP QQQ XLK', 'snapback mag7', 'breakouts smallcap-drivers', 'breakouts mag7'])}${asof}`,
    );
  });
  // Six minis, and names typed as index names (their minis are titled SPX, COMP, RUT).
  out.push('/scan snapback stocks asof:2025-05-12', '/scan unwind stocks asof:2024-08-07', '/scan breakouts SPX RUT COMP NVDA asof:2024-11-08');
  return out;
}

interface DrawnText {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
  size: number;
  /** The clip region it was drawn under, in PNG pixels. */
  clip?: { x: number; y: number; w: number; h: number };
}

/** The chat column's width, in CSS px: the width every chart must read at. */
export const CHAT_WIDTH = 520;

/**
 * What breaks the rules for text on a PNG: any two text boxes that overlap (by more than a hair of
 * anti-aliasing), text cut off by the PNG's edge or by the clip region it was drawn in (a scale's
 * box, the plot area), and text smaller than `minPx` when the PNG is shown 520 px wide. `titles` names texts held to the title floor instead.
 */
export function textProblems(
  texts: readonly DrawnText[],
  png: { width: number; height: number },
  floors: { minPx: number; titlePx: number; titles: readonly string[] },
): string[] {
  const toChat = CHAT_WIDTH / png.width;
  const out: string[] = [];
  for (const t of texts) {
    if (t.x < -0.5 || t.y < -0.5 || t.x + t.w > png.width + 0.5 || t.y + t.h > png.height + 0.5) out.push(`"${t.text}" is cut off by the edge`);
    else if (t.clip && (t.x < t.clip.x - 0.5 || t.y < t.clip.y - 0.5 || t.x + t.w > t.clip.x + t.clip.w + 0.5 || t.y + t.h > t.clip.y + t.clip.h + 0.5)) {
      out.push(`"${t.text}" is cut off by its drawing region`);
    }
  }
  // The title is the topmost text that reads as one (a legend entry may repeat its words).
  const titleBoxes = new Set(floors.titles.map((title) => texts.filter((t) => t.text === title).sort((p, q) => p.y - q.y)[0]));
  for (const t of texts) {
    const px = t.size * toChat;
    const floor = titleBoxes.has(t) ? floors.titlePx : floors.minPx;
    if (px < floor - 1e-9) out.push(`"${t.text}" is ${px.toFixed(1)} px at ${CHAT_WIDTH} px wide (floor ${floor})`);
  }
  const slack = 0.5 / toChat;
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i] as DrawnText;
      const b = texts[j] as DrawnText;
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ox > slack && oy > slack) out.push(`"${a.text}" overlaps "${b.text}"`);
    }
  }
  return out;
}
