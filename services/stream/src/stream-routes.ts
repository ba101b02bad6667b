import Router from '@koa/router';
import Koa from 'koa';
import type { TokenService } from '../../../libs/auth/token-service';
import { AppError, serviceUnavailable } from '../../../libs/http/app-error';
import { errorMiddleware } from '../../../libs/http/error-middleware';
import { requestLogger } from '../../../libs/http/request-logger';
import type { Logger } from '../../../libs/logger/logger';
import { readStreamRequest, STREAM_PATH } from './stream-request';

export interface StreamAppOptions {
  logger: Logger;
  tokens: TokenService;
  isHealthy: () => Promise<boolean>;
  /** True once shutdown began: new streams are refused so clients go to another instance. */
  isClosing: () => boolean;
}

/**
 * Everything that ends in an ordinary response: `/healthz`, and the JSON errors of
 * `GET /api/messages` (406, 401, 503). Streams that open never get here: see
 * stream-endpoint.ts.
 */
export function createStreamApp({ logger, tokens, isHealthy, isClosing }: StreamAppOptions): Koa {
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

  router.get(STREAM_PATH, (ctx) => {
    // Throws the 503, 406 or 401 this request deserves.
    readStreamRequest(ctx.req, tokens, isClosing());
    // HEAD (which the router routes here too) gets the headers a stream would start with.
    if (ctx.method === 'HEAD') {
      ctx.status = 200;
      ctx.set('Content-Type', 'text/event-stream');
      return;
    }
    // A valid request is only passed here when its stream could not be opened: Redis could not be read.
    throw serviceUnavailable('Events are unavailable right now; retry shortly');
  });

  // Koa reports errors of responses it no longer handles (a connection reset by its
  // client) through 'error'; by default it prints them to stderr. They are routine here.
  app.on('error', (error: Error & { code?: string }) => {
    logger.debug({ err: error.message, code: error.code }, 'connection error');
  });
  app.use(requestLogger(logger));
  app.use(errorMiddleware(logger));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true, methodNotAllowed, notImplemented }));
  return app;
}

const methodNotAllowed = () => new AppError(405, 'method_not_allowed', 'Method not allowed on this route');
const notImplemented = () => new AppError(501, 'not_implemented', 'Method not implemented');
