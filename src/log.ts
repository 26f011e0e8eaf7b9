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
