import type { Middleware } from 'koa';
import { logRequest } from '#libs/http';
import type { Logger } from '#libs/logger';

// Polled every few seconds by load balancers and orchestrators: at info they would drown the log.
const QUIET_PATHS = new Set(['/healthz']);

/**
 * One log line per finished request, at info (health checks at debug). Secrets in the
 * URL are redacted (libs/http/loggable-url.ts).
 */
export function requestLogger(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const level = QUIET_PATHS.has(ctx.path) ? 'debug' : 'info';
      logRequest(logger, ctx.method, ctx.originalUrl, ctx.status, started, level);
    }
  };
}
