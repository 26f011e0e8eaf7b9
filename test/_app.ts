/** The real app for tests: bundled real prices, an in-memory SQLite cache, charts drawn on the main thread. */
import { createApp, type App, type AppOptions } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

export function createTestApp(opts: AppOptions = {}, env: Record<string, string> = {}): App {
  return createApp(loadConfig({ RENDER_THREADS: '0', ...env }), { dbFile: ':memory:', ...opts });
}
