import type { Middleware } from 'koa';
import { logRequest } from '#libs/http';
import type { Logger } from '#libs/logger';

/** One log line per finished request. Secrets in the URL are redacted (libs/http/loggable-url.ts). */
export function requestLogger(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      logRequest(logger, ctx.method, ctx.originalUrl, ctx.status, started);
    }
  };
}
