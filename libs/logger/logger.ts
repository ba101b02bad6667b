import pino from 'pino';
import type PinoPretty from 'pino-pretty';

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level?: string;
  /** `pretty`: one readable line per entry (development); `json` (the default): one JSON object per line. */
  format?: 'pretty' | 'json';
  /** Where lines go. Defaults to stdout; tests pass an in-memory sink to read what was logged. */
  destination?: pino.DestinationStream;
}

// Credentials, wherever a logged object may carry them: a token field, and the
// Authorization, Cookie and Set-Cookie headers, whether logged as fields of their own,
// as a headers object, or inside a request or response (pino's req/res serializers
// log `req.headers` and `res.headers`).
// Also the GitHub OAuth client secret (config.auth.github), wherever a config is logged.
const SECRET_FIELDS = ['token', 'authorization', 'cookie', 'set-cookie', 'clientSecret'];
const PARENTS = ['', '*', '*.*', '*.*.*', 'headers', '*.headers', 'req.headers', 'res.headers'];
const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) =>
  // fast-redact's syntax: `a.b`, or `a["b-c"]` for a name that is not an identifier.
  PARENTS.map((parent) => (field.includes('-') ? `${parent}["${field}"]` : parent ? `${parent}.${field}` : field)),
);

/**
 * Structured logs: JSON lines, or pretty one-liners for a person at a terminal.
 * Anything that can hold a token is redacted here as well as at the source (request
 * logs write URLs through libs/http/loggable-url.ts), so a token never reaches a log,
 * in either format (redaction happens before formatting).
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? (options.format === 'pretty' ? prettyDestination() : undefined),
  );
}

/**
 * pino-pretty in this process (not in a worker thread, so a line is never lost on exit).
 * It is a development dependency, absent from production images: loaded only when asked for.
 */
function prettyDestination(): pino.DestinationStream {
  let pretty: typeof PinoPretty;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when chosen (see above)
    pretty = require('pino-pretty') as typeof PinoPretty;
  } catch {
    throw new Error('LOG_FORMAT=pretty needs the pino-pretty development dependency (npm ci); use LOG_FORMAT=json');
  }
  return pretty({
    colorize: Boolean(process.stdout.isTTY) || process.env.FORCE_COLOR === '1',
    singleLine: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}
