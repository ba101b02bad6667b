import Router from '@koa/router';
import type { DefaultState } from 'koa';

/**
 * A router of the services' Koa apps. Paths match exactly: case-sensitive and without
 * an optional trailing slash (@koa/router's defaults accept `/API/auth_user/`), so
 * every resource has one path and any other spelling is a 404, as in the stream
 * service's raw endpoint and the web service's proxy (request-target.ts).
 */
export function createRouter<State = DefaultState>(): Router<State> {
  return new Router<State>({ strict: true, sensitive: true });
}
