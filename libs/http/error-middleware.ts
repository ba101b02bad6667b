import type { Middleware } from 'koa';
import type { Logger } from '../logger/logger';
import { AppError } from './app-error';

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

/**
 * Registered first: maps AppError and client errors to JSON, anything unexpected to
 * a generic 500 (logged with its stack, never shown to the client).
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
      if (status >= 500) logger.error({ err: caught, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = body;
      if (headers) ctx.set(headers);
    }
  };
}

function toResponse(caught: unknown) {
  if (caught instanceof AppError) {
    const error: Record<string, unknown> = { code: caught.code, message: caught.message };
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
