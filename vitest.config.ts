/**
 * Two test projects, so a change can be checked in about a minute:
 * - `fast` (`npm run test:fast`): everything that starts no child process and waits on no fixed wall time;
 * - `slow`: the trials — real processes killed and restarted, load and soak runs, end-to-end simulations.
 * `npm test` (the README's and CI's command) runs both. A new slow trial either joins the list below or is
 * named `*.slow.test.ts`.
 */
import { defineConfig } from 'vitest/config';

const SLOW = [
  'test/**/*.slow.test.ts',
  'test/digest/crash.test.ts',
  'test/digest/simulation.test.ts',
  'test/hardening/load.test.ts',
  'test/hardening/secrets.test.ts',
  'test/hardening/shutdown-process.test.ts',
  'test/hardening/startup-secrets.test.ts',
  'test/ask/console.test.ts',
  'test/adapters/console/console.test.ts',
  'test/adapters/slack/manifest.test.ts',
  'test/ops/dockerfile.test.ts',
  'test/data/calendar.test.ts',
  'test/build/build.test.ts',
  'test/hardening/storage-process.test.ts',
  'test/hardening/storage.test.ts',
  'test/store/backup.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      // isolate: false: the fast files share one module graph per worker, so commands, the bundled CSVs and
      // the TypeScript transform are loaded once per worker instead of once per file (half the wall time).
      // Safe because nothing outside src/main.ts and src/app.ts holds module state (test/architecture) and
      // no test mocks modules or edits process.env; a test that fakes timers restores them itself.
      // maxWorkers: 2: vitest's default is one worker fewer than the cores, which on this 2-core machine is one;
      // the fast files are CPU-bound and independent, so two workers halve the wall time (105 s → 64 s here).
      // Projects with different worker counts run one after the other (sequence.groupOrder): fast, then slow.
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW, isolate: false, maxWorkers: 2, sequence: { groupOrder: 0 }, testTimeout: 30_000, hookTimeout: 60_000 } },
      // globalSetup: the children the slow trials start run the compiled build (test/_children.ts).
      { extends: true, test: { name: 'slow', include: SLOW, sequence: { groupOrder: 1 }, globalSetup: ['test/_children.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
