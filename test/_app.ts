/** The real app for tests: bundled real prices, an in-memory SQLite cache, charts drawn on the main thread. */
import { expect } from 'vitest';
import type { Answer, Facts } from '../src/answer/answer.ts';
import type { Command } from '../src/command/define.ts';
import { createApp, type App, type AppOptions } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

export function createTestApp(opts: AppOptions = {}, env: Record<string, string> = {}): App {
  return createApp(loadConfig({ RENDER_THREADS: '0', ...env }), { dbFile: ':memory:', ...opts });
}

/**
 * `answer(text)` runs a command that must succeed; `answerOf(command, text)` the same, with the
 * command's facts typed; `refusal(text)` one that must be refused as the person's to fix.
 */
export function commandDriver(app: App): {
  answer(text: string): Promise<Answer>;
  answerOf<F extends Facts>(command: Command<F>, text: string): Promise<Answer<F>>;
  refusal(text: string): Promise<string>;
} {
  async function answer(text: string): Promise<Answer> {
    const r = await app.runner.runText(text);
    if (!r.ok) throw new Error(`${text} failed: ${r.error.message}`);
    return r.answer;
  }
  return {
    answer,
    async answerOf<F extends Facts>(command: Command<F>, text: string): Promise<Answer<F>> {
      const a = await answer(text);
      if (a.command !== command.name) throw new Error(`${text} was answered by /${a.command}, not /${command.name}`);
      // The runner holds commands with their facts' types erased; the name says whose facts these are.
      return a as Answer<F>;
    },
    async refusal(text) {
      const r = await app.runner.runText(text);
      if (r.ok) throw new Error(`${text} should have been refused`);
      expect(r.error.audience, 'bad input is the person’s to fix, not an internal error').not.toBe('internal');
      return r.error.message;
    },
  };
}
