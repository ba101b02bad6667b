/**
 * The one error model of the HTTP services: domain code throws an AppError, and
 * libs/koa/error-middleware.ts turns it into `{"error": {"code", "message", "fields"?}}`
 * (json-response.ts does the same for the services' raw node:http handlers).
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new AppError(400, code, message);
export const unauthorized = (message = 'Authentication required', code = 'unauthorized') =>
  new AppError(401, code, message, undefined, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (message: string, code = 'forbidden') => new AppError(403, code, message);
export const notFound = (message = 'Not found', code = 'not_found') => new AppError(404, code, message);
export const notAcceptable = (message: string) => new AppError(406, 'not_acceptable', message);
export const validationFailed = (fields: Record<string, string>, message = 'Validation failed') =>
  new AppError(422, 'validation_failed', message, fields);
/** Too often: the client may try again after `retryAfterSeconds`. */
export const tooManyRequests = (message: string, code: string, retryAfterSeconds: number) =>
  new AppError(429, code, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
/** A dependency is down or the service is stopping: the client may retry, after `retryAfterSeconds` when given. */
export const serviceUnavailable = (message: string, code = 'unavailable', retryAfterSeconds?: number) =>
  new AppError(
    503,
    code,
    message,
    undefined,
    retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) },
  );
