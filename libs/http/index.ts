// The http lib's public surface: node:http plumbing every service shares (the server with
// its request limits, errors as JSON, request paths, methods, request logging). The Koa
// parts are in libs/koa, so a raw node:http service does not load Koa.
export {
  AppError,
  badRequest,
  forbidden,
  notAcceptable,
  notFound,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  validationFailed,
} from './app-error';
export { isDatabaseUnavailable } from './database-unavailable';
export { createHttpServer } from './http-server';
export { errorBody, sendError, sendJson } from './json-response';
export { closeServer, listen, LISTEN_BACKLOG } from './listen';
export { loggableUrl } from './loggable-url';
export { logRequest } from './request-logger';
export { requestPath, requestQuery } from './request-target';
export { sendUnservedMethodAnswer, unservedMethodAnswer } from './route-methods';
export { isStreamPath } from './stream-path';
