/** The console's one function from an Answer (or an error) to text. */
import type { Answer } from '../../answer/answer.ts';
import { plainText } from '../../answer/answer.ts';
import { formatDate } from '../../core/format.ts';

export function formatAnswerText(answer: Answer, chartPaths: readonly string[] = []): string {
  const out: string[] = [answer.title, '─'.repeat(Math.min(72, Math.max(12, answer.title.length)))];
  for (const line of answer.lines) out.push(plainText(line).replace(/`/g, ''));
  for (const w of answer.warnings) out.push(`⚠ ${w}`);
  const meta: string[] = [];
  if (answer.source) meta.push(`Source: ${answer.source}`);
  if (answer.asOf) meta.push(`as of the close of ${formatDate(answer.asOf)}`);
  if (meta.length) out.push(meta.join(' · '));
  if (answer.basis) out.push(answer.basis);
  for (const p of chartPaths) out.push(`Chart: ${p}`);
  return out.join('\n');
}

export function formatErrorText(message: string): string {
  return `✗ ${message}`;
}
