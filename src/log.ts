/**
 * Structured JSON logs (pino). Secrets never reach a log: the composition root (src/main.ts, the CLI)
 * makes one SecretRegistry, fills it with every configured secret (config.ts `configSecrets`) and
 * hands it to the logger, the chat clients' masking fetch and whatever prints; each masks every
 * value it holds wherever it appears, in any field.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** The secret values (tokens, signing secrets, API keys, passwords) that must never be written out. */
export interface SecretRegistry {
  /**
   * Adds a secret value to be masked — as written, and as it appears inside a JSON string or a URL
   * (escaped quotes, percent-encoding). Values shorter than six characters are ignored.
   */
  add(value: string | undefined): void;
  /** `text` with every registered value replaced by `[redacted]`. */
  redact(text: string): string;
  /** Whether nothing is registered (masking has nothing to do). */
  readonly empty: boolean;
}

export function createSecretRegistry(values: readonly (string | undefined)[] = []): SecretRegistry {
  const forms = new Set<string>();
  const registry: SecretRegistry = {
    add(value) {
      if (!value || value.length < 6) return;
      for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) forms.add(form);
    },
    redact(text) {
      let out = text;
      for (const s of forms) if (out.includes(s)) out = out.split(s).join('[redacted]');
      return out;
    },
    get empty() {
      return forms.size === 0;
    },
  };
  for (const v of values) registry.add(v);
  return registry;
}

/**
 * A JSON logger to stderr (or `destination`). `secrets`: masked in every serialized line, so no field
 * or nested error message can leak one; without it only the fields named `token`, `signingSecret`
 * and authorization headers are.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream | number; secrets?: SecretRegistry } = {}): Logger {
  const dest = opts.destination ?? 2;
  const stream =
    typeof dest === 'number'
      ? pino.destination({ fd: dest, sync: true })
      : dest;
  // Mask secrets in the final serialized line, so no field or nested error message can leak one.
  const secrets = opts.secrets;
  const masked = {
    write(line: string) {
      (stream as { write(s: string): unknown }).write(secrets ? secrets.redact(line) : line);
    },
  };
  return pino(
    {
      level: opts.level ?? 'info',
      base: { app: 'tapebot' },
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'signingSecret', '*.signingSecret'], censor: '[redacted]' },
    },
    masked,
  );
}

/** A logger that drops everything (tests, one-shot CLI runs that print their own errors). */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * The second wall: `fetch` for the chat SDKs, so that every request body that leaves for Discord or
 * Slack (messages, edits, ephemeral replies, response_url posts, file names) passes through the same
 * masking as the logs. The first wall is that provider text never reaches a reply (errors.ts); this
 * one catches what a future path forgets. Headers are left alone — the credentials travel there — and
 * so is a form's `token` field, which Slack's auth.test reads.
 */
export function maskingFetch(secrets: SecretRegistry, inner: typeof fetch = fetch): typeof fetch {
  const masked = (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (!init?.body || secrets.empty) return inner(input, init);
    return inner(input, { ...init, body: maskBody(secrets, init.body) });
  };
  return masked as typeof fetch;
}

function maskBody(secrets: SecretRegistry, body: NonNullable<RequestInit['body']>): NonNullable<RequestInit['body']> {
  if (typeof body === 'string') {
    // Slack's Web API form bodies: mask value by value, so percent-encoding cannot hide a secret.
    if (/^[\w.%+-]+=/.test(body) && !body.trimStart().startsWith('{')) {
      const form = new URLSearchParams(body);
      const out = new URLSearchParams();
      for (const [k, v] of form) out.append(k, k === 'token' ? v : secrets.redact(v));
      return out.toString();
    }
    return secrets.redact(body);
  }
  if (body instanceof URLSearchParams) {
    const out = new URLSearchParams();
    for (const [k, v] of body) out.append(k, k === 'token' ? v : secrets.redact(v));
    return out;
  }
  if (body instanceof FormData) {
    const out = new FormData();
    for (const [k, v] of body) {
      if (typeof v === 'string') out.append(k, k === 'token' ? v : secrets.redact(v));
      else out.append(k, v, secrets.redact(v.name));
    }
    return out;
  }
  return body;
}
