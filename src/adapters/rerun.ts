/**
 * Period buttons under an answer: each button carries everything needed to recompute the answer
 * with another period, so a click still works after a restart (no server-side state).
 *
 * Format: `rr1|<command>|<period>|<k>=<v>&<k>=<v>` with values URI-encoded. Discord limits a
 * custom_id to 100 characters; when the options do not fit, `encodeRerun` returns null and the
 * adapter shows no buttons rather than a broken one.
 *
 * The **More** button (`Answer.detail`) works the same way: `mr1|<command>|<k>=<v>&…` re-runs the
 * command with its options and its close pinned (`asof`), and the adapter shows the answer with its
 * detail in place of the short one. Nothing is stored, so a click still works after a restart, and
 * it shows the same close the short answer did even after a newer close arrives.
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
const MORE_PREFIX = 'mr1';

/** A button's re-run; `full` for a More click: show the answer with its detail. */
export type ButtonRun = Invocation & { full?: true };

export function encodeRerun(answer: Answer, periodValue: string, maxLength = 100): string | null {
  if (!answer.period) return null;
  const rest = Object.entries(answer.args)
    .filter(([k]) => k !== answer.period?.option)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const id = `${PREFIX}|${answer.command}|${answer.period.option}=${encodeURIComponent(periodValue)}|${rest}`;
  return id.length <= maxLength ? id : null;
}

/** The More button's id for an answer with detail, or null when it has none or the id would not fit. */
export function encodeMore(answer: Answer, maxLength = 100): string | null {
  if (!answer.detail || answer.detail.length === 0) return null;
  const args: Record<string, string> = { ...answer.args };
  if (answer.asOf && args['asof'] === undefined) args['asof'] = answer.asOf;
  const rest = Object.entries(args)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const id = `${MORE_PREFIX}|${answer.command}|${rest}`;
  return id.length <= maxLength ? id : null;
}

/** Turns a button id back into an invocation, or null when the id is not ours / malformed. */
export function decodeRerun(id: string): ButtonRun | null {
  const parts = id.split('|');
  if (parts.length === 3 && parts[0] === MORE_PREFIX) {
    const inv = decodeRerun(`${PREFIX}|${parts[1] ?? ''}||${parts[2] ?? ''}`);
    return inv ? { ...inv, full: true } : null;
  }
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
