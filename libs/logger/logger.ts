import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level?: string;
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
 * Structured JSON logs. Anything that can hold a token is redacted here as well as
 * at the source (request logs write URLs through libs/http/loggable-url.ts), so a
 * token never reaches a log.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}
