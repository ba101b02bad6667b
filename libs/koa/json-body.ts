import bodyParser from 'koa-bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '#libs/http';

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
    let parsed = false;
    try {
      await parse(ctx, () => {
        parsed = true;
        return next();
      });
    } catch (error) {
      // A body that claims gzip, deflate or br but does not decompress fails inside zlib
      // with an error that has no HTTP status; it is the client's fault, not a 500.
      if (!parsed && isDecompressionError(error)) {
        throw new AppError(400, 'malformed_body', 'Request body could not be decompressed');
      }
      throw error;
    }
  };
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

function isDecompressionError(error: unknown): boolean {
  const { errno, code, status } = (error ?? {}) as { errno?: unknown; code?: unknown; status?: unknown };
  return status === undefined && typeof errno === 'number' && typeof code === 'string';
}
