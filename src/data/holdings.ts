/**
 * Bundled fund holdings snapshots (data/holdings/): `funds.json` lists one entry per fund with its
 * snapshot date and two CSV files, `<FUND>-sectors.csv` (`sector,holdings,weight_pct`) and
 * `<FUND>-top10.csv` (`ticker,name,sector,weight_pct`). Another fund plugs in with its own two files
 * and an entry. Read on each request (a few hundred bytes); nothing is cached.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { FundHoldings } from '../core/composition.ts';
import { ProviderError } from '../errors.ts';
import { PROJECT_ROOT } from '../root.ts';

export const BUNDLED_HOLDINGS_DIR: URL = new URL('data/holdings/', PROJECT_ROOT);

const FundEntry = z.object({
  fund: z.string().regex(/^[A-Z^.-]{1,10}$/),
  name: z.string().min(1),
  asOf: z.iso.date(),
  sectors: z.string().regex(/^[\w.-]+\.csv$/),
  top: z.string().regex(/^[\w.-]+\.csv$/),
  source: z.string(),
});
const Funds = z.array(FundEntry);
const Weight = z.coerce.number().min(0).max(100);
const SectorRow = z.object({ sector: z.string().min(1), holdings: z.coerce.number().int().min(0), weight_pct: Weight });
const TopRow = z.object({ ticker: z.string().min(1), name: z.string(), sector: z.string(), weight_pct: Weight });

async function readText(dir: URL, file: string): Promise<string> {
  try {
    return await readFile(new URL(file, dir), 'utf8');
  } catch (err) {
    throw new ProviderError('holdings', 'invalid-data', `cannot read holdings file ${file}`, undefined, { cause: err });
  }
}

function invalid(file: string, err: unknown): never {
  throw new ProviderError('holdings', 'invalid-data', `${file}: not a valid holdings file`, undefined, { cause: err });
}

/** The funds with a bundled snapshot. */
export async function holdingsFunds(dir: URL = BUNDLED_HOLDINGS_DIR): Promise<string[]> {
  const text = await readText(dir, 'funds.json');
  try {
    return Funds.parse(JSON.parse(text)).map((f) => f.fund);
  } catch (err) {
    return invalid('funds.json', err);
  }
}

/** The fund's snapshot, or null when none is bundled for it. */
export async function loadHoldings(fund: string, dir: URL = BUNDLED_HOLDINGS_DIR): Promise<FundHoldings | null> {
  let entry: z.infer<typeof FundEntry> | undefined;
  try {
    entry = Funds.parse(JSON.parse(await readText(dir, 'funds.json'))).find((f) => f.fund === fund);
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    return invalid('funds.json', err);
  }
  if (!entry) return null;
  const rows = async <T>(file: string, schema: z.ZodType<T>): Promise<T[]> => {
    const text = await readText(dir, file);
    try {
      return (parse(text, { columns: true, skip_empty_lines: true, trim: true }) as unknown[]).map((r) => schema.parse(r));
    } catch (err) {
      return invalid(file, err);
    }
  };
  const [sectors, top] = await Promise.all([rows(entry.sectors, SectorRow), rows(entry.top, TopRow)]);
  return {
    fund: entry.fund,
    name: entry.name,
    asOf: entry.asOf,
    source: entry.source,
    sectors: sectors.map((r) => ({ sector: r.sector, holdings: r.holdings, weight: r.weight_pct })),
    top: top.map((r) => ({ ticker: r.ticker, name: r.name, sector: r.sector, weight: r.weight_pct })),
  };
}
