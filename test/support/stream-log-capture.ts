import { Writable } from 'node:stream';
import pino, { type Level, type Logger } from 'pino';

/** A pino logger whose lines are kept in memory, for tests that check what is (or is not) logged. */
export function captureLogLines(level: Level): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
