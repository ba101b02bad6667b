import type { Middleware } from 'koa';
import { AppError, isDatabaseUnavailable, serviceUnavailable } from '#libs/http';
import type { Logger } from '#libs/logger';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message: string;
}

// Errors raised by koa-bodyparser (raw-body / co-body) carry a status and a type.
const BODY_ERRORS: Record<string, { code: string; message: string }> = {
  'entity.too.large': { code: 'payload_too_large', message: 'Request body is too large' },
  'entity.parse.failed': { code: 'malformed_json', message: 'Request body is not valid JSON' },
  'encoding.unsupported': { code: 'unsupported_encoding', message: 'Unsupported content encoding' },
  'charset.unsupported': { code: 'unsupported_charset', message: 'Unsupported charset' },
  'request.aborted': { code: 'request_aborted', message: 'Request aborted' },
};

/** How long a client should wait before retrying when PostgreSQL is unavailable: about a restart. */
export const DATABASE_RETRY_AFTER_SECONDS = 3;

/**
 * Registered first: maps AppError and client errors to JSON, PostgreSQL being
 * unreachable to 503 `database_unavailable` (libs/http/database-unavailable.ts), and
 * anything else to a generic 500, logged with its stack and never shown to the client.
 * A 503 is an outage, not a bug: it is logged as a warning, without a stack.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (caught) {
      const { status, body, headers } = toResponse(caught);
      if (status === 500) logger.error({ err: caught, method: ctx.method, path: ctx.path }, 'request failed');
      else if (status >= 500) {
        const cause = caught instanceof AppError ? body.error.code : String((caught as Error)?.message).slice(-200);
        logger.warn({ method: ctx.method, path: ctx.path, status, cause }, 'request failed: unavailable');
      }
      ctx.status = status;
      ctx.body = body;
      if (headers) ctx.set(headers);
    }
  };
}

function toResponse(caught: unknown) {
  if (!(caught instanceof AppError) && isDatabaseUnavailable(caught)) {
    caught = serviceUnavailable(
      'The database is unavailable right now; retry shortly',
      'database_unavailable',
      DATABASE_RETRY_AFTER_SECONDS,
    );
  }
  if (caught instanceof AppError) {
    const error: { code: string; message: string; fields?: Record<string, string> } = {
      code: caught.code,
      message: caught.message,
    };
    if (caught.fields) error.fields = caught.fields;
    return { status: caught.status, body: { error }, headers: caught.headers };
  }
  const err = caught as HttpLikeError;
  const status = err?.status ?? err?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // co-body's JSON parse failure is a SyntaxError with status 400 and no `type`.
    const type = err.type ?? (caught instanceof SyntaxError ? 'entity.parse.failed' : undefined);
    const known = type ? BODY_ERRORS[type] : undefined;
    const code = known?.code ?? 'bad_request';
    const message = known?.message ?? (err.expose ? err.message : 'Bad request');
    return { status, body: { error: { code, message } }, headers: undefined };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal server error' } }, headers: undefined };
}
