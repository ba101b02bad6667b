import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenVerifier } from '#libs/auth';
import { AppError, logRequest, sendError } from '#libs/http';
import type { Logger } from '#libs/logger';
import type { StreamHub } from './stream-hub';
import { forgetRequestHead, isStreamRequest, readStreamRequest } from './stream-request';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The HTTP entry point. A stream that can be opened is handed to the hub straight
 * from Node's request event; everything else (health, errors, unknown paths) goes to
 * the Koa app. Why not open streams from a Koa route: Koa keeps each request's context
 * (ctx, request, response, their closures) alive until the response finishes, which
 * for a stream is its whole life, about 5 KB per open connection measured.
 *
 * The Koa app runs the same checks (stream-request.ts), so every error response,
 * including 503 when Redis cannot be read, comes from its one error middleware.
 */
export function createStreamEndpoint(options: {
  tokens: TokenVerifier;
  hub: StreamHub;
  logger: Logger;
  isClosing: () => boolean;
  fallback: Handler;
}): Handler {
  const { tokens, hub, logger, isClosing, fallback } = options;
  return (req, res) => {
    if (!isStreamRequest(req)) return fallback(req, res);
    let request;
    try {
      request = readStreamRequest(req, tokens, isClosing());
    } catch {
      return fallback(req, res);
    }
    const started = process.hrtime.bigint();
    // Streams live for minutes: no idle timeout on their sockets.
    req.setTimeout(0);
    hub.open(res, request).then(
      (connection) => {
        // Undefined: the client left before its stream opened.
        if (!connection) return;
        logRequest(logger, req.method, req.url, 200, started);
        forgetRequestHead(req);
      },
      (error: Error) => {
        // A connection limit refused it (stream-limits.ts): its own answer, 429 or 503 with Retry-After.
        if (error instanceof AppError) {
          if (!res.headersSent && !res.destroyed) sendError(res, error);
          logRequest(logger, req.method, req.url, error.status, started);
          return;
        }
        logger.warn({ err: error.message }, 'cannot open a stream');
        // Nothing was written yet: the Koa route answers 503 (Redis unreadable, or shutting down).
        if (!res.headersSent && !res.destroyed) fallback(req, res);
      },
    );
  };
}
