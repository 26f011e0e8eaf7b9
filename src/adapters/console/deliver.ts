/** Writes an Answer's charts as PNG files and returns their paths (console and CLI). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Answer } from '../../answer/answer.ts';
import { renderAnswerCharts, type ChartRenderer } from '../../charts/renderer.ts';

export async function writeAnswerCharts(renderer: ChartRenderer, answer: Answer, outDir: string): Promise<string[]> {
  if (answer.charts.length === 0) return [];
  const rendered = await renderAnswerCharts(renderer, answer);
  await mkdir(outDir, { recursive: true });
  const stamp = answer.asOf ?? 'now';
  return Promise.all(
    rendered.map(async (c) => {
      const file = path.join(outDir, `${answer.command}-${c.id}-${stamp}.png`.replace(/[^A-Za-z0-9._-]/g, '_'));
      await writeFile(file, c.png);
      return file;
    }),
  );
}
