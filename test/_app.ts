/** The real app for tests: bundled real prices, an in-memory SQLite cache, charts drawn on the main thread. */
import { expect } from 'vitest';
import type { Answer } from '../src/answer/answer.ts';
import { createApp, type App, type AppOptions } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

export function createTestApp(opts: AppOptions = {}, env: Record<string, string> = {}): App {
  return createApp(loadConfig({ RENDER_THREADS: '0', ...env }), { dbFile: ':memory:', ...opts });
}

/** `answer(text)` runs a command that must succeed; `refusal(text)` one that must be refused as the person's to fix. */
export function commandDriver(app: App): { answer(text: string): Promise<Answer>; refusal(text: string): Promise<string> } {
  return {
    async answer(text) {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(`${text} failed: ${r.error.message}`);
      return r.answer;
    },
    async refusal(text) {
      const r = await app.runner.runText(text);
      if (r.ok) throw new Error(`${text} should have been refused`);
      expect(r.error.audience, 'bad input is the person’s to fix, not an internal error').not.toBe('internal');
      return r.error.message;
    },
  };
}
