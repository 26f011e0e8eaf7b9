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
];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW, testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'slow', include: SLOW, testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
