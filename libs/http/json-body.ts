import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';
import { AppError } from './app-error';

export const MAX_BODY_BYTES = 64 * 1024;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON bodies only, at most 64 KiB. A body-carrying request with another content
 * type is refused with 415 rather than parsed as nothing; an empty body is `{}`.
 */
export function jsonBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: `${MAX_BODY_BYTES}b`, strict: true });
  return async (ctx, next) => {
    if (BODY_METHODS.has(ctx.method) && hasBody(ctx.request.headers) && !ctx.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', 'Request body must be application/json');
    }
    await parse(ctx, next);
  };
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}
