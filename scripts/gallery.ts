/**
 * `npm run gallery`: every chart type for a set of real dates and symbols, drawn from the bundled
 * prices into gallery/ (git-ignored) with an HTML contact sheet that shows each chart at 520 px,
 * the width a chat column gives it. Text that overlaps or falls below the size floor is listed under
 * its chart and in the summary.
 *
 *   npm run gallery                 # the whole corpus
 *   npm run gallery -- rotationmap  # only questions containing "rotationmap"
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { chartConfig } from '../src/charts/config.ts';
import { renderWithTextBoxes } from '../src/charts/render-local.ts';
import { MIN_TEXT_PX, MIN_TITLE_PX } from '../src/charts/theme.ts';
import { CHAT_WIDTH, chartCorpus, textProblems } from './chart-corpus.ts';

const OUT = 'gallery';
const filter = process.argv[2];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

const app = createApp(loadConfig({ RENDER_THREADS: '0' }), { dbFile: ':memory:' });
mkdirSync(OUT, { recursive: true });
const cards: string[] = [];
let charts = 0;
let bad = 0;
let largest = 0;
try {
  for (const [n, text] of chartCorpus().filter((t) => !filter || t.includes(filter)).entries()) {
    const r = await app.runner.runText(text);
    if (!r.ok) {
      cards.push(`<figure><figcaption><b>${esc(text)}</b><br>refused: ${esc(r.error.message)}</figcaption></figure>`);
      continue;
    }
    for (const spec of r.answer.charts) {
      const { png, width, height, texts } = renderWithTextBoxes(chartConfig(spec));
      const file = `${String(n).padStart(3, '0')}-${r.answer.command}-${spec.id}.png`;
      writeFileSync(join(OUT, file), png);
      const problems = textProblems(texts, { width, height }, { minPx: MIN_TEXT_PX, titlePx: MIN_TITLE_PX, titles: [spec.title] });
      charts++;
      largest = Math.max(largest, png.length);
      if (problems.length > 0) bad++;
      cards.push(
        `<figure><img src="${file}" width="${CHAT_WIDTH}"><figcaption><b>${esc(text)}</b> · ${(png.length / 1024).toFixed(0)} KB` +
          `${problems.map((p) => `<br><span class="bad">${esc(p)}</span>`).join('')}<br><small>${esc(r.answer.lines[0] ?? '')}</small></figcaption></figure>`,
      );
    }
  }
} finally {
  await app.close();
}
writeFileSync(
  join(OUT, 'index.html'),
  `<!doctype html><meta charset="utf-8"><title>tapebot charts at ${CHAT_WIDTH} px</title>
<style>body{font:14px system-ui;background:#313338;color:#ddd;margin:16px}figure{display:inline-block;vertical-align:top;width:${CHAT_WIDTH}px;margin:0 16px 24px 0}
img{display:block;border-radius:4px}figcaption{margin-top:4px}.bad{color:#ff8a80}small{color:#aaa}</style>
<h1>${charts} charts at ${CHAT_WIDTH} px (a chat column)</h1>
${cards.join('\n')}
`,
);
console.log(`${charts} charts in ${OUT}/ (open ${OUT}/index.html); ${bad} with text problems; largest PNG ${(largest / 1024).toFixed(0)} KB`);
