import Koa from 'koa';
import type { TokenVerifier } from '#libs/auth';
import { serviceUnavailable, isStreamPath } from '#libs/http';
import { errorMiddleware, requestLogger, answerUnservedMethod, answerUnservedMethods, createRouter } from '#libs/koa';
import type { Logger } from '#libs/logger';
import type { StreamLimits } from './stream-limits';
import { readStreamRequest, REDIS_RETRY_AFTER_SECONDS, STREAM_METHODS } from './stream-request';

export interface StreamAppOptions {
  logger: Logger;
  tokens: TokenVerifier;
  isHealthy: () => Promise<boolean>;
  /** True once shutdown began: new streams are refused so clients go to another instance. */
  isClosing: () => boolean;
  /** The connection limits' answer for a new stream of a user (stream-limits.ts), for HEAD. */
  limits: Pick<StreamLimits, 'refusal'>;
}

/**
 * Everything that ends in an ordinary response: `/healthz`, and the JSON errors of
 * `GET /api/messages` (406, 401, 503). Streams that open never get here: see
 * stream-endpoint.ts.
 */
export function createStreamApp({ logger, tokens, isHealthy, isClosing, limits }: StreamAppOptions): Koa {
  const app = new Koa();
  const router = createRouter();

  router.get('/healthz', async (ctx) => {
    if (await isHealthy()) {
      ctx.body = { status: 'ok', redis: 'ok' };
    } else {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', redis: 'unavailable' };
    }
  });

  // Koa reports errors of responses it no longer handles (a connection reset by its
  // client) through 'error'; by default it prints them to stderr. They are routine here.
  app.on('error', (error: Error & { code?: string }) => {
    logger.debug({ err: error.message, code: error.code }, 'connection error');
  });
  app.use(requestLogger(logger));
  app.use(errorMiddleware(logger));
  app.use(streamPath(tokens, isClosing, limits));
  app.use(router.routes());
  app.use(answerUnservedMethods());
  return app;
}

/**
 * The stream path, recognised by the same test as the raw endpoint (stream-path.ts),
 * not by the router, whose matching of a raw URL could differ from it: a request the
 * raw endpoint did not take as the stream must not be treated as one here.
 */
function streamPath(
  tokens: TokenVerifier,
  isClosing: () => boolean,
  limits: StreamAppOptions['limits'],
): Koa.Middleware {
  return (ctx, next) => {
    if (!isStreamPath(ctx.req.url ?? '')) return next();
    if (!STREAM_METHODS.includes(ctx.method)) return answerUnservedMethod(ctx, STREAM_METHODS);
    // Throws the 503, 406 or 401 this request deserves.
    const { userId } = readStreamRequest(ctx.req, tokens, isClosing());
    // HEAD gets the headers a stream would start with, and no stream; or the limits'
    // 429 or 503 with its Retry-After, which is how a browser whose EventSource was
    // refused (EventSource shows no status) learns how long to wait.
    if (ctx.method === 'HEAD') {
      const refused = limits.refusal(userId);
      if (refused) throw refused;
      ctx.status = 200;
      ctx.set('Content-Type', 'text/event-stream');
      return;
    }
    // A valid GET is only passed here when its stream could not be opened: Redis could not be read.
    throw serviceUnavailable(
      'Events are unavailable right now; retry shortly',
      'unavailable',
      REDIS_RETRY_AFTER_SECONDS,
    );
  };
}
