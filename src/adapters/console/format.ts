/** The console's one function from an Answer (or an error) to text. */
import type { Answer } from '../../answer/answer.ts';
import { plainText, withDetail } from '../../answer/answer.ts';
import { formatDate } from '../../core/format.ts';

/** `full`: the answer with its detail (`--full`); otherwise the short answer and a pointer to the rest. */
export function formatAnswerText(answer: Answer, chartPaths: readonly string[] = [], opts: { full?: boolean } = {}): string {
  const shown = opts.full ? withDetail(answer) : answer;
  const out: string[] = [answer.title, '─'.repeat(Math.min(72, Math.max(12, answer.title.length)))];
  for (const line of shown.lines) out.push(plainText(line).replace(/`/g, ''));
  const more = shown.detail?.length ?? 0;
  if (more > 0) out.push(`(${more} more line${more === 1 ? '' : 's'} with --full)`);
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
