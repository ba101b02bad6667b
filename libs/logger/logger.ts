import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Anything that can hold a token is redacted here as well as
 * at the source (request-logger.ts strips it from URLs), so a token never reaches a log.
 */
export function createLogger(options: { name: string; level?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: {
      paths: [
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'headers.authorization',
        // The GitHub OAuth client secret (config.auth.github), wherever a config is logged.
        'clientSecret',
        '*.clientSecret',
        '*.*.clientSecret',
        '*.*.*.clientSecret',
      ],
      censor: '[redacted]',
    },
  });
}
