/**
 * Test projects, so a change can be checked in about a minute:
 * - `fast` (`npm run test:fast`): everything that starts no child process and waits on no fixed wall time;
 * - `slow` and `slow-solo` (`npm run test:slow`): the trials — real processes killed and restarted, load and
 *   soak runs, end-to-end simulations; `slow-solo` holds the ones that must have the machine to themselves.
 * `npm test` (the README's and CI's command) runs them all. A new slow trial either joins the list below or is
 * named `*.slow.test.ts`.
 */
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Trials that assert the bot keeps up (500 commands in 60 s, every one answered in full, every
 * acknowledgement inside the platforms' 3 s): they run alone, after the others, in `slow-solo`. Beside
 * the soak's own 12 commands a second (a rate at which a loaded machine already sheds work) they would
 * measure the machine's spare capacity, not the bot.
 */
const SOLO = ['test/hardening/load.test.ts'];

/** The soak runs ~7.5 minutes at a fixed rate: started first, the second worker runs every other trial beside it. */
class SoakFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const soak = (f: TestSpecification) => f.moduleId.endsWith('soak.slow.test.ts');
    return [...sorted.filter(soak), ...sorted.filter((f) => !soak(f))];
  }
}

const SLOW = [
  ...SOLO,
  'test/**/*.slow.test.ts',
  'test/digest/crash.test.ts',
  'test/digest/simulation.test.ts',
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
    // One sequencer for the run (vitest reads the root's only).
    sequence: { sequencer: SoakFirst },
    projects: [
      // isolate: false: the fast files share one module graph per worker, so commands, the bundled CSVs and
      // the TypeScript transform are loaded once per worker instead of once per file (half the wall time).
      // Safe because nothing outside src/main.ts and src/app.ts holds module state (test/architecture) and
      // no test mocks modules or edits process.env; a test that fakes timers restores them itself.
      // maxWorkers: 2: vitest's default is one worker fewer than the cores, which on this 2-core machine is one;
      // the fast files are CPU-bound and independent, so two workers halve the wall time (105 s → 64 s here).
      // Projects with different worker counts run one after the other (sequence.groupOrder): fast, slow, slow-solo.
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW, isolate: false, maxWorkers: 2, sequence: { groupOrder: 0 }, testTimeout: 30_000, hookTimeout: 60_000 } },
      // globalSetup: the children the slow trials start run the compiled build (test/_children.ts).
      // maxWorkers: 2: the trials mostly wait (children, fixed-rate runs, restarts), so two share the machine
      // (the soak first, everything else beside it): with two `yes` loops keeping both cores busy, 529 s for
      // slow + slow-solo against 838 s with one worker (~714 s with one worker on an idle machine).
      {
        extends: true,
        test: { name: 'slow', include: SLOW, exclude: SOLO, globalSetup: ['test/_children.ts'], maxWorkers: 2, sequence: { groupOrder: 1 }, testTimeout: 120_000, hookTimeout: 120_000 },
      },
      { extends: true, test: { name: 'slow-solo', include: SOLO, globalSetup: ['test/_children.ts'], maxWorkers: 1, sequence: { groupOrder: 2 }, testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
