/** A logger that keeps every JSON line in memory, as written (after secret masking). */
import { createLogger, type Logger } from '../../src/log.ts';

export interface MemoryLog {
  logger: Logger;
  /** Every line exactly as it would have reached stderr. */
  readonly raw: string[];
  /** The lines parsed. */
  records(): Record<string, unknown>[];
}

export function memoryLog(level = 'debug'): MemoryLog {
  const raw: string[] = [];
  const sink = { write: (line: string) => void raw.push(line) } as unknown as NodeJS.WritableStream;
  return {
    logger: createLogger({ level, destination: sink }),
    raw,
    records: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
