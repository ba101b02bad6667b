import Router from '@koa/router';
import Koa from 'koa';
import { tokenFromRequest } from '../../../libs/auth/bearer-token';
import { InvalidTokenError, type TokenService } from '../../../libs/auth/token-service';
import { notAcceptable, serviceUnavailable, unauthorized } from '../../../libs/http/app-error';
import { errorMiddleware } from '../../../libs/http/error-middleware';
import { requestLogger } from '../../../libs/http/request-logger';
import type { Logger } from '../../../libs/logger/logger';
import type { StreamHub } from './stream-hub';

export interface StreamAppOptions {
  logger: Logger;
  tokens: TokenService;
  hub: StreamHub;
  isHealthy: () => Promise<boolean>;
  /** True once shutdown began: new streams are refused so clients go to another instance. */
  isClosing: () => boolean;
}

/**
 * Koa handles everything that ends in an ordinary response (health, 406, 401, 503);
 * a stream that passes the checks is handed over, as the raw response, to the hub.
 */
export function createStreamApp({ logger, tokens, hub, isHealthy, isClosing }: StreamAppOptions): Koa {
  const app = new Koa();
  const router = new Router();

  router.get('/healthz', async (ctx) => {
    if (await isHealthy()) {
      ctx.body = { status: 'ok', redis: 'ok' };
    } else {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', redis: 'unavailable' };
    }
  });

  router.get('/api/messages', async (ctx) => {
    if (isClosing()) throw serviceUnavailable('The stream service is shutting down; reconnect', 'shutting_down');
    if (!ctx.get('Accept').toLowerCase().includes('text/event-stream')) {
      throw notAcceptable('This endpoint only serves text/event-stream');
    }
    let verified;
    try {
      const token = tokenFromRequest(ctx.get('Authorization') || undefined, ctx.query.token);
      verified = tokens.verify(token, ['session', 'stream']);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthorized(error.message);
      throw error;
    }
    // The header is what browsers send on their own reconnects, so it wins over the query.
    const queryCursor = ctx.query.lastEventId;
    const resumeFrom = ctx.get('Last-Event-ID') || (typeof queryCursor === 'string' && queryCursor) || undefined;

    try {
      await hub.open(ctx.res, { userId: verified.userId, expiresAt: verified.expiresAt, resumeFrom });
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot open a stream: redis is unavailable');
      throw serviceUnavailable('Events are unavailable right now; retry shortly');
    }
    // The hub owns the raw response now: Koa must not write to it.
    ctx.status = 200;
    ctx.respond = false;
  });

  // Koa reports errors of responses it no longer handles (a stream reset by its client)
  // through 'error'; by default it prints them to stderr. They are routine here.
  app.on('error', (error: Error & { code?: string }) => {
    logger.debug({ err: error.message, code: error.code }, 'connection error');
  });
  app.use(requestLogger(logger));
  app.use(errorMiddleware(logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
