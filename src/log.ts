/**
 * Structured JSON logs (pino). Secrets never reach a log: every configured secret value is
 * registered here at start-up and masked wherever it appears, in any field.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const secrets = new Set<string>();

/**
 * Registers a secret value (token, signing secret, API key) to be masked in every log line — as
 * written, and as it appears inside a JSON string or a URL (escaped quotes, percent-encoding).
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6) return;
  for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) secrets.add(form);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream | number } = {}): Logger {
  const dest = opts.destination ?? 2;
  const stream =
    typeof dest === 'number'
      ? pino.destination({ fd: dest, sync: true })
      : dest;
  // Mask secrets in the final serialized line, so no field or nested error message can leak one.
  const masked = {
    write(line: string) {
      (stream as { write(s: string): unknown }).write(redactSecrets(line));
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
export function maskingFetch(inner: typeof fetch = fetch): typeof fetch {
  const masked = (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (!init?.body || secrets.size === 0) return inner(input, init);
    return inner(input, { ...init, body: maskBody(init.body) });
  };
  return masked as typeof fetch;
}

function maskBody(body: NonNullable<RequestInit['body']>): NonNullable<RequestInit['body']> {
  if (typeof body === 'string') {
    // Slack's Web API form bodies: mask value by value, so percent-encoding cannot hide a secret.
    if (/^[\w.%+-]+=/.test(body) && !body.trimStart().startsWith('{')) {
      const form = new URLSearchParams(body);
      const out = new URLSearchParams();
      for (const [k, v] of form) out.append(k, k === 'token' ? v : redactSecrets(v));
      return out.toString();
    }
    return redactSecrets(body);
  }
  if (body instanceof URLSearchParams) {
    const out = new URLSearchParams();
    for (const [k, v] of body) out.append(k, k === 'token' ? v : redactSecrets(v));
    return out;
  }
  if (body instanceof FormData) {
    const out = new FormData();
    for (const [k, v] of body) {
      if (typeof v === 'string') out.append(k, k === 'token' ? v : redactSecrets(v));
      else out.append(k, v, redactSecrets(v.name));
    }
    return out;
  }
  return body;
}
