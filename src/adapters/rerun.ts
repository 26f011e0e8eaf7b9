/**
 * Period buttons under an answer: each button carries everything needed to recompute the answer
 * with another period, so a click still works after a restart (no server-side state).
 *
 * Format: `rr1|<command>|<period>|<k>=<v>&<k>=<v>` with values URI-encoded. Discord limits a
 * custom_id to 100 characters; when the options do not fit, `encodeRerun` returns null and the
 * adapter shows no buttons rather than a broken one.
 */
import type { Answer } from '../answer/answer.ts';
import type { Invocation } from '../command/run.ts';

/** The periods offered as buttons, in the order shown. */
export const PERIOD_BUTTONS = [
  { label: '1M', value: '1m' },
  { label: '3M', value: '3m' },
  { label: 'YTD', value: 'ytd' },
  { label: '1Y', value: '1y' },
] as const;

const PREFIX = 'rr1';

export function encodeRerun(answer: Answer, periodValue: string, maxLength = 100): string | null {
  if (!answer.period) return null;
  const rest = Object.entries(answer.args)
    .filter(([k]) => k !== answer.period?.option)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const id = `${PREFIX}|${answer.command}|${answer.period.option}=${encodeURIComponent(periodValue)}|${rest}`;
  return id.length <= maxLength ? id : null;
}

/** Turns a button id back into an invocation, or null when the id is not ours / malformed. */
export function decodeRerun(id: string): Invocation | null {
  const parts = id.split('|');
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, name, period, rest] = parts as [string, string, string, string];
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) return null;
  const named: Record<string, string> = {};
  try {
    for (const pair of [period, ...rest.split('&')].filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return null;
      named[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
    }
  } catch {
    return null;
  }
  return { name, args: { words: [], named } };
}

/** The period buttons for an answer, or [] when it has no period or the ids would not fit. */
export function periodButtons(answer: Answer, maxLength = 100): { label: string; id: string; current: boolean }[] {
  if (!answer.period) return [];
  const out: { label: string; id: string; current: boolean }[] = [];
  for (const b of PERIOD_BUTTONS) {
    const id = encodeRerun(answer, b.value, maxLength);
    if (id === null) return [];
    out.push({ label: b.label, id, current: answer.period.value === b.value });
  }
  return out;
}
