import { it } from 'vitest';
import { createTestApp } from '../../test/_app.ts';
import { commands } from '../../commands/index.ts';
import digest from '../../commands/digest.ts';
it('smoke', async () => {
  const app = createTestApp({ commands: [...commands, digest] });
  for (const t of ['/digest preview asof:2025-04-09', '/digest preview asof:2025-04-03', '/digest preview', '/digest preview rotation asof:2025-06-30', '/digest preview sectors asof:2025-06-30', '/digest preview asof:2025-07-03', '/digest subscribe']) {
    const r = await app.runner.runText(t);
    console.log(t, JSON.stringify(r.ok ? { title: r.answer.title, lines: r.answer.lines, w: r.answer.warnings } : r.error, null, 1));
  }
  await app.close();
});
