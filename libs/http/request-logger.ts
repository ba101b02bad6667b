import type { Middleware } from 'koa';
import type { Logger } from '../logger/logger';

/** One log line per finished request. Query tokens are redacted from the URL. */
export function requestLogger(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { method: ctx.method, url: redactUrlTokens(ctx.originalUrl), status: ctx.status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    }
  };
}

export function redactUrlTokens(url: string): string {
  return url.replace(/([?&](?:token|access_token|code|state)=)[^&#]*/gi, '$1[redacted]');
}
