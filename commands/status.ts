/** /status — are the market-data providers healthy, and how fresh is the cache. */
import type { Answer } from '../src/answer/answer.ts';
import { answerWith } from '../src/answer/build.ts';
import { formatDate } from '../src/core/format.ts';
import { defineCommand } from '../src/command/define.ts';
import type { ProviderStatus, StatusReport } from '../src/data/providers/status.ts';
import type { ProviderFailure } from '../src/errors.ts';

const FAILURE_WORDS: Readonly<Record<ProviderFailure, string>> = {
  unavailable: 'unavailable',
  'rate-limited': 'rate-limited',
  'invalid-data': 'sent data that failed the checks',
  'not-found': 'did not have a symbol',
  timeout: 'timed out',
};

/** "just now", "4 min ago", "3 h ago", "2 days ago". */
function ago(iso: string, now: string): string {
  const s = Math.max(0, (Date.parse(now) - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

function providerLine(p: ProviderStatus, now: string): string {
  if (!p.live) return `**${p.name}** — offline bundled files, always available (they end on a fixed date)`;
  const state = p.circuit === 'closed' ? 'healthy' : p.circuit === 'half-open' ? 'recovering (probing)' : 'paused after repeated failures';
  const success = p.lastSuccessAt ? `last success ${ago(p.lastSuccessAt, now)}` : 'no success yet';
  const counts = `${p.requests} request${p.requests === 1 ? '' : 's'}, ${p.failedRequests} failed`;
  // The kind of failure only: the provider's own words can quote an API key, and stay in the log.
  const failure = p.lastFailure ? ` · last failure ${ago(p.lastFailure.at, now)}: ${FAILURE_WORDS[p.lastFailure.failure]}` : '';
  return `**${p.name}** — ${state} (circuit ${p.circuit}) · ${success} · ${counts}${failure}`;
}

/** What /status found; `--json` prints it. Empty without a status report. */
export type StatusFacts = {
  /** In failover order: the circuit, the last success (ISO time) and the kind of the last failure. */
  providers: { name: string; circuit: string; lastSuccessAt: string | null; lastFailure: ProviderFailure | null }[];
  /** The newest cached close, by symbol. */
  cache: Record<string, string>;
};

function statusAnswer(report: StatusReport): Answer<StatusFacts> {
  const facts: StatusFacts = {
    providers: report.providers.map((p) => ({ name: p.name, circuit: p.circuit, lastSuccessAt: p.lastSuccessAt, lastFailure: p.lastFailure ? p.lastFailure.failure : null })),
    cache: Object.fromEntries(report.cache.map((c) => [c.symbol, c.lastDate])),
  };
  const a = answerWith('status', 'Market data status', null, null, facts);
  const now = report.generatedAt;
  a.lines.push('Providers, in failover order:');
  for (const p of report.providers) a.lines.push(`• ${providerLine(p, now)}`);
  if (report.cache.length === 0) {
    a.lines.push('The cache is empty: nothing has been asked yet.');
    return a;
  }
  // Newest close per symbol, grouped so a healthy cache reads as one line.
  const groups = new Map<string, string[]>();
  for (const c of report.cache) {
    const key = `${c.lastDate}|${c.source}`;
    groups.set(key, [...(groups.get(key) ?? []), c.symbol]);
  }
  a.lines.push('Newest cached close per symbol:');
  for (const [key, syms] of [...groups].sort(([x], [y]) => (x < y ? 1 : x > y ? -1 : 0))) {
    const [date, source] = key.split('|') as [string, string];
    a.lines.push(`• ${formatDate(date)} (from ${source}): ${syms.join(', ')}`);
  }
  const stale = report.cache.filter((c) => c.note !== undefined);
  if (stale.length > 0) a.warnings.push(`Live data is unavailable for ${stale.map((c) => c.symbol).join(', ')}; answers use the cache.`);
  return a;
}

export default defineCommand({
  name: 'status',
  description: 'Health of the market-data providers and how fresh the cached prices are',
  usesMarketData: false,
  options: {},
  examples: ['/status'],
  async run(ctx): Promise<Answer<StatusFacts>> {
    if (!ctx.status) {
      const a = answerWith<StatusFacts>('status', 'Market data status', null, null, { providers: [], cache: {} });
      a.lines.push('Status is not available in this setup.');
      return a;
    }
    return statusAnswer(ctx.status());
  },
});
