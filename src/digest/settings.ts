/**
 * Digest settings, from the environment (validated here with zod; a bad value names the variable).
 * Every one has a default, so digests work with no configuration at all.
 */
import { z } from 'zod';

const minutes = (dflt: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.coerce.number().int().min(0).max(max).default(dflt));

const schema = z.object({
  /** How late a digest missed while the bot was down may still be sent, in minutes after it was due. */
  DIGEST_LATE_WINDOW_MIN: minutes(180, 24 * 60),
  /** How long after a digest is due to keep waiting for the day's close to arrive. */
  DIGEST_DATA_WAIT_MIN: minutes(120, 24 * 60),
  /** How often to look for the close while waiting. */
  DIGEST_DATA_RETRY_MIN: minutes(5, 120),
  /** What to do when the close never arrived: skip (log only) or post the latest close with an "as of" note. */
  DIGEST_WHEN_DATA_MISSING: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.enum(['skip', 'post-stale']).default('skip')),
  /** Consecutive permanent post failures after which a channel's subscriptions and alerts are removed. */
  DIGEST_MAX_PERMANENT_FAILURES: minutes(3, 100),
  /** Transient failures of one post before it is given up. */
  DIGEST_MAX_ATTEMPTS: minutes(8, 100),
  /** Alerts are evaluated this many minutes after each close. */
  DIGEST_ALERT_DELAY_MIN: minutes(20, 600),
  /** Finished outbox rows (the record of what was sent, and alerts' event keys) are kept this many days. */
  DIGEST_KEEP_DAYS: minutes(90, 3650),
});

export interface DigestSettings {
  lateWindowMin: number;
  dataWaitMin: number;
  dataRetryMin: number;
  whenDataMissing: 'skip' | 'post-stale';
  maxPermanentFailures: number;
  maxAttempts: number;
  alertDelayMin: number;
  keepDays: number;
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = digestSettingsFromEnv({});

/** Reads the DIGEST_* variables; throws an Error naming every bad one. */
export function digestSettingsFromEnv(env: Record<string, string | undefined>): DigestSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid digest settings:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')} ${i.message}`).join('\n')}`);
  }
  const c = parsed.data;
  return {
    lateWindowMin: c.DIGEST_LATE_WINDOW_MIN,
    dataWaitMin: c.DIGEST_DATA_WAIT_MIN,
    dataRetryMin: Math.max(1, c.DIGEST_DATA_RETRY_MIN),
    whenDataMissing: c.DIGEST_WHEN_DATA_MISSING,
    maxPermanentFailures: Math.max(1, c.DIGEST_MAX_PERMANENT_FAILURES),
    maxAttempts: Math.max(1, c.DIGEST_MAX_ATTEMPTS),
    alertDelayMin: c.DIGEST_ALERT_DELAY_MIN,
    keepDays: Math.max(7, c.DIGEST_KEEP_DAYS),
  };
}
