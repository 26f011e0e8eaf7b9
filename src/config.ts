/**
 * Settings come only from the environment, are read once at start-up and validated here.
 * A bad value stops start-up with a message naming the variable. Secrets are registered with
 * the logger so they never appear in a log line.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { createSecretRegistry, type SecretRegistry } from './log.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url({ message: 'must be a URL such as http://127.0.0.1:8080' }).optional());
/** A whole number ≥ `min` (default 0, which turns the feature off where the variable says so). */
const count = (fallback: number, min = 0) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(1_000_000).default(fallback));
const port = z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional());

const schema = z
  .object({
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./var')),
    DATA_PROVIDERS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('bundled')
        .transform((s) => s.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean))
        .pipe(z.array(z.enum(['bundled', 'yahoo', 'tiingo', 'polygon', 'alphavantage'])).min(1)),
    ),
    CHART_RENDERER: z.preprocess(emptyToUndefined, z.enum(['local', 'quickchart']).default('local')),
    QUICKCHART_URL: optionalUrl,
    /** quickchart.io API key (a paid account's; a self-hosted server needs none). Secret. */
    QUICKCHART_API_KEY: optionalString,
    RENDER_THREADS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(64).optional()),

    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d{15,22}$/, 'must be the numeric application id (a snowflake)').optional()),
    DISCORD_GUILD_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d{15,22}$/, 'must be a numeric guild id (a snowflake)').optional()),
    DISCORD_API_URL: optionalUrl,
    /** Members with this role may manage a channel's digests, watchlist and alerts, besides those with Manage Channels. */
    DISCORD_DIGEST_ROLE_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d{15,22}$/, 'must be a numeric role id (a snowflake)').optional()),

    /**
     * Discord gateway shards in all (Discord requires sharding from 2,500 servers). Each replica runs
     * the shards listed in SHARD_IDS (default all of them); together the replicas must run each once.
     */
    SHARD_COUNT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(4096).default(1)),
    SHARD_IDS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be shard numbers such as 0,1')
        .transform((s) => [...new Set(s.split(',').map((x) => Number(x.trim())))].sort((a, b) => a - b))
        .optional(),
    ),

    SLACK_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional()),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional()),
    SLACK_API_URL: optionalUrl,
    /** Registers every Slack command with this prefix ("tb-" → /tb-chart, /tb-help), in the manifest and the handlers alike. */
    SLACK_COMMAND_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[a-z0-9][a-z0-9_-]{0,15}$/, 'must be lower-case letters, digits, - or _ (at most 16), e.g. tb-').optional()),
    /**
     * OAuth, for installing the app in many workspaces (HTTP mode): the app's Client ID and Client
     * Secret (Basic Information → App Credentials) and a secret of our own that signs the `state`
     * of each install. All three, or none. Secrets: the client secret and the state secret.
     */
    SLACK_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().trim().regex(/^\d+\.\d+$/, 'must be the app’s Client ID, digits.digits (Basic Information → App Credentials)').optional()),
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: z.preprocess(emptyToUndefined, z.string().trim().min(16, 'must be at least 16 characters (any random string; e.g. openssl rand -hex 24)').optional()),
    SLACK_ADMIN_USERS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('')
        .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be Slack user ids such as U0123ABCD, comma-separated'))),
    ),
    PORT: port,

    /**
     * PostgreSQL for subscriptions, watchlists, alerts and the digest outbox, shared by every replica
     * (postgres://user:password@host:5432/db). Unset: the SQLite file in DATA_DIR. Secret (may hold a password).
     */
    DATABASE_URL: z.preprocess(emptyToUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
    /** Redis for rate limits and scheduled work shared by every replica (redis://host:6379). Unset: in this process. Secret. */
    REDIS_URL: z.preprocess(emptyToUndefined, z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional()),
    /** This replica's name in logs and outbox claims; default the host name and process id. */
    REPLICA_ID: optionalString,

    HEALTH_PORT: port,
    HEALTH_HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),

    RATE_USER_PER_MIN: count(20),
    RATE_USER_BURST: count(8, 1),
    RATE_CHANNEL_PER_MIN: count(60),
    RATE_CHANNEL_BURST: count(20, 1),
    RENDER_CACHE_MB: count(64),
    PRICE_CACHE_MB: count(64),
    RENDER_IDLE_S: count(60),
    SHUTDOWN_GRACE_S: count(10),
    /** The most time one answer waits for live market data before the labelled fallback answers (seconds; decimals allowed). */
    ANSWER_BUDGET_S: z.preprocess(emptyToUndefined, z.coerce.number().min(0.1).max(120).default(8)),

    /** Where backups of the settings go. Default `${DATA_DIR}/backups`. */
    BACKUP_DIR: optionalString,
    /** When backups are taken: a cron pattern, in UTC. Default hourly. */
    BACKUP_SCHEDULE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .default('0 * * * *')
        .refine((p) => {
          try {
            new Cron(p, { paused: true }).stop();
            return true;
          } catch {
            return false;
          }
        }, 'must be a cron pattern such as "0 * * * *" (hourly) or "30 4 * * *" (daily at 04:30 UTC)'),
    ),
    /** How many backups to keep, newest first; 0 turns backups off. */
    BACKUP_KEEP: count(48),

    TIINGO_API_KEY: optionalString,
    POLYGON_API_KEY: optionalString,
    ALPHAVANTAGE_API_KEY: optionalString,
    YAHOO_BASE_URL: optionalUrl,
    TIINGO_BASE_URL: optionalUrl,
    POLYGON_BASE_URL: optionalUrl,
    ALPHAVANTAGE_BASE_URL: optionalUrl,
  })
  .superRefine((c, ctx) => {
    if (c.DISCORD_TOKEN && !c.DISCORD_APPLICATION_ID) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'is required when DISCORD_TOKEN is set' });
    }
    if (c.DISCORD_APPLICATION_ID && !c.DISCORD_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_TOKEN'], message: 'is required when DISCORD_APPLICATION_ID is set' });
    }
    for (const id of c.SHARD_IDS ?? []) {
      if (id >= c.SHARD_COUNT) ctx.addIssue({ code: 'custom', path: ['SHARD_IDS'], message: `has shard ${id}, but SHARD_COUNT is ${c.SHARD_COUNT} (shards are numbered from 0)` });
    }
    if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required when SLACK_BOT_TOKEN is set' });
    }
    const oauthSet = (['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const).filter((k) => c[k] !== undefined);
    if (oauthSet.length > 0) {
      for (const k of ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const) {
        if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `is required when ${oauthSet.join(' and ')} ${oauthSet.length > 1 ? 'are' : 'is'} set (installing in many workspaces needs all three)` });
      }
      if (!c.SLACK_SIGNING_SECRET) ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required when SLACK_CLIENT_ID is set' });
      if (c.SLACK_APP_TOKEN) ctx.addIssue({ code: 'custom', path: ['SLACK_APP_TOKEN'], message: 'must be empty when SLACK_CLIENT_ID is set: installing in many workspaces runs in HTTP mode (Slack sends requests to /slack/events, people install at /slack/install)' });
    }
    if (c.SLACK_SIGNING_SECRET && !c.SLACK_BOT_TOKEN && oauthSet.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when SLACK_SIGNING_SECRET is set (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET, to install in many workspaces)' });
    }
    if (c.SLACK_APP_TOKEN && !c.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when SLACK_APP_TOKEN is set' });
    }
    for (const [provider, key] of [
      ['tiingo', 'TIINGO_API_KEY'],
      ['polygon', 'POLYGON_API_KEY'],
      ['alphavantage', 'ALPHAVANTAGE_API_KEY'],
    ] as const) {
      if (c.DATA_PROVIDERS.includes(provider) && !c[key]) {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required when DATA_PROVIDERS includes ${provider}` });
      }
    }
  });

export type Config = z.infer<typeof schema>;

/** Thrown when the environment is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'} ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every setting.`);
  }
  return parsed.data;
}

/** Every secret a configuration holds, added to `into` (a new registry by default): what logs and replies mask. */
export function configSecrets(c: Config, into: SecretRegistry = createSecretRegistry()): SecretRegistry {
  for (const s of [c.DATABASE_URL, c.REDIS_URL, c.DISCORD_TOKEN, c.SLACK_BOT_TOKEN, c.SLACK_SIGNING_SECRET, c.SLACK_APP_TOKEN, c.SLACK_CLIENT_SECRET, c.SLACK_STATE_SECRET, c.TIINGO_API_KEY, c.POLYGON_API_KEY, c.ALPHAVANTAGE_API_KEY, c.QUICKCHART_API_KEY]) {
    into.add(s);
  }
  // A database or Redis password can appear in an error on its own, without the rest of its URL.
  for (const u of [c.DATABASE_URL, c.REDIS_URL]) {
    if (u) into.add(decodeURIComponent(new URL(u).password));
  }
  return into;
}

/** Whether the Slack app installs in many workspaces through OAuth (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET). */
export function slackOAuth(c: Pick<Config, 'SLACK_CLIENT_ID' | 'SLACK_CLIENT_SECRET' | 'SLACK_STATE_SECRET'>): { clientId: string; clientSecret: string; stateSecret: string } | null {
  return c.SLACK_CLIENT_ID && c.SLACK_CLIENT_SECRET && c.SLACK_STATE_SECRET ? { clientId: c.SLACK_CLIENT_ID, clientSecret: c.SLACK_CLIENT_SECRET, stateSecret: c.SLACK_STATE_SECRET } : null;
}

export function chatMode(c: Config): { discord: boolean; slack: boolean; console: boolean } {
  const discord = Boolean(c.DISCORD_TOKEN && c.DISCORD_APPLICATION_ID);
  const slack = Boolean((c.SLACK_BOT_TOKEN || slackOAuth(c)) && c.SLACK_SIGNING_SECRET);
  return { discord, slack, console: !discord && !slack };
}
