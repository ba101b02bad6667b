import type { Middleware } from 'koa';
import type { Logger } from '../logger/logger';
import { loggableUrl } from './loggable-url';

// Polled every few seconds by load balancers and orchestrators: at info they would drown the log.
const QUIET_PATHS = new Set(['/healthz']);

/**
 * One log line per finished request, at info (health checks at debug). Secrets in the
 * URL are redacted (loggable-url.ts).
 */
export function requestLogger(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      logRequest(
        logger,
        ctx.method,
        ctx.originalUrl,
        ctx.status,
        started,
        QUIET_PATHS.has(ctx.path) ? 'debug' : 'info',
      );
    }
  };
}

/** The request line every service logs, from Koa or from a raw node:http handler. */
export function logRequest(
  logger: Logger,
  method: string | undefined,
  target: string | undefined,
  status: number,
  started: bigint,
  level: 'info' | 'debug' = 'info',
): void {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger[level]({ method, url: loggableUrl(target ?? ''), status, ms: Math.round(ms * 10) / 10 }, 'request');
}
