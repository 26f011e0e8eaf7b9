/** A tiny benchmark harness: repeated runs, medians and tails (this 2-core machine is noisy). */

export interface Stats {
  n: number;
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, median: at(0.5), p90: at(0.9), p99: at(0.99), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

export async function measure(fn: () => unknown, opts: { iterations: number; warmup?: number }): Promise<Stats> {
  for (let i = 0; i < (opts.warmup ?? 3); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < opts.iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

export function row(name: string, st: Stats, target?: string): string {
  const f = (x: number) => (x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
  return `${name.padEnd(58)} median ${f(st.median).padStart(8)} ms   p99 ${f(st.p99).padStart(8)} ms   (n=${st.n})${target ? `   target ${target}` : ''}`;
}
