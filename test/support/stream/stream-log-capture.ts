import { Writable } from 'node:stream';
import type { Level } from 'pino';
import { createLogger, type Logger } from '#libs/logger';

/**
 * A logger configured as the services' own (createLogger: same redaction) whose lines
 * are kept in memory, for tests that check what is (or is not) logged.
 */
export function captureLogLines(level: Level, name = 'test'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ name, level, destination: sink }), lines };
}
