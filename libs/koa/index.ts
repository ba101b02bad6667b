// The koa lib's public surface: the parts of the Koa apps (messages, stream) that every
// such app registers: router, JSON body, error middleware, request log, 405/OPTIONS.
export { errorMiddleware } from './error-middleware';
export { jsonBody } from './json-body';
export { requestLogger } from './request-logger';
export { createRouter } from './router';
export { answerUnservedMethod, answerUnservedMethods } from './unserved-methods';
