/**
 * Issue 18's rotation map figure: the analysis of `/rotationmap` (11 sectors against SPY, full history)
 * with tapebot's one-pass implementation (as the command runs it: SPY's week numbers read once for all
 * 11), beside the implementation it replaced (bench/baseline) and a
 * plain numpy version of the same computation (bench/rotation_numpy.py) run in the same benchmark.
 * numpy is not a project dependency: when `python3 -c 'import numpy'` fails, the Debian package is
 * installed on demand (apt-get, as root); without it the numpy line says why it is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { pointAt, rotationPath, weekNumbers } from '../src/core/rotation-map.ts';
import type { DailySeries } from '../src/core/series.ts';
import { UNIVERSES } from '../src/core/universes.ts';
import { BUNDLED_PRICES_DIR } from '../src/data/bundled.ts';
import { rotationPath as rotationPathV1 } from './baseline/rotation-map-v1.ts';
import { measure, row, stats } from './harness.ts';

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/** numpy present, or installed now; a reason when it cannot be. */
function ensureNumpy(): string | null {
  if (hasNumpy()) return null;
  try {
    execFileSync('apt-get', ['install', '-y', 'python3-numpy'], { stdio: 'ignore' });
  } catch (err) {
    return `apt-get install python3-numpy failed (${(err as Error).message.split('\n')[0]})`;
  }
  return hasNumpy() ? null : 'python3-numpy installed but numpy still does not import';
}

export async function benchRotation(): Promise<string[]> {
  const out: string[] = [];
  const app = createApp(loadConfig({ RENDER_THREADS: '0' }), { dbFile: ':memory:' });
  const sectors = UNIVERSES.find((u) => u.id === 'sectors');
  if (!sectors) throw new Error('no sectors universe');
  const symbols = sectors.members.map((m) => m.symbol);
  const spy = await app.market.series('SPY');
  const members: DailySeries[] = await Promise.all(symbols.map((s) => app.market.series(s)));
  await app.close();

  // As /rotationmap computes it: the benchmark's week numbers read once, then each sector's path.
  const now = await measure(
    () => {
      const weeks = weekNumbers(spy.dates);
      return members.map((s) => pointAt(rotationPath(s, spy, weeks), -1));
    },
    { iterations: 200, warmup: 20 },
  );
  const alone = await measure(() => members.map((s) => pointAt(rotationPath(s, spy), -1)), { iterations: 200, warmup: 20 });
  const before = await measure(() => members.map((s) => rotationPathV1(s, spy).points.at(-1)), { iterations: 200, warmup: 20 });
  out.push(row('rotation map analysis, 11 sectors vs SPY, full history', now, '≤ 2.5 ms and < numpy'));
  out.push(row('  the same, each sector reading the benchmark dates itself', alone));
  out.push(row('  the same, implementation before issue 18', before));
  const mins = [`tapebot ${now.min.toFixed(2)} ms`, `each alone ${alone.min.toFixed(2)} ms`, `before ${before.min.toFixed(2)} ms`];

  const missing = ensureNumpy();
  if (missing) {
    out.push(`  the same in plain numpy: not run, ${missing}`);
    return out;
  }
  const script = fileURLToPath(new URL('./rotation_numpy.py', import.meta.url));
  const res = spawnSync('python3', [script, fileURLToPath(BUNDLED_PRICES_DIR), 'SPY', ...symbols], { encoding: 'utf8' });
  if (res.status !== 0) {
    out.push(`  the same in plain numpy: failed (${res.stderr.trim().split('\n').pop()})`);
    return out;
  }
  const np = JSON.parse(res.stdout) as { samples: number[]; latest: Record<string, [number, number]> };
  const npStats = stats(np.samples);
  out.push(row('  the same in plain numpy (python3, same machine)', npStats));
  out.push(`  fastest runs (least disturbed by other load): ${[...mins, `numpy ${npStats.min.toFixed(2)} ms`].join(', ')}`);
  // Cross-check: the two implementations agree on every sector's latest point.
  const worst = Math.max(
    ...symbols.map((s, i) => {
      const head = pointAt(rotationPath(members[i] as DailySeries, spy), -1);
      const [r, m] = np.latest[s] ?? [NaN, NaN];
      return head ? Math.max(Math.abs(head.ratio - r), Math.abs(head.momentum - m)) : Infinity;
    }),
  );
  out.push(`  largest difference from numpy in the latest RS-Ratio/RS-Momentum: ${worst.toExponential(1)}`);
  return out;
}
