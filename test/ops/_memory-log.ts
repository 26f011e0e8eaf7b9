/** A logger that keeps every JSON line in memory, as written (after secret masking). */
import { createLogger, createSecretRegistry, type Logger, type SecretRegistry } from '../../src/log.ts';

export interface MemoryLog {
  logger: Logger;
  /** What the logger masks: pass it to createApp (or startChatRig), which adds the configuration's secrets. */
  secrets: SecretRegistry;
  /** Every line exactly as it would have reached stderr. */
  readonly raw: string[];
  /** The lines parsed. */
  records(): Record<string, unknown>[];
}

export function memoryLog(level = 'debug', secrets: SecretRegistry = createSecretRegistry()): MemoryLog {
  const raw: string[] = [];
  const sink = { write: (line: string) => void raw.push(line) } as unknown as NodeJS.WritableStream;
  return {
    logger: createLogger({ level, destination: sink, secrets }),
    secrets,
    raw,
    records: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
