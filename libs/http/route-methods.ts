import type { ServerResponse } from 'node:http';
import type { Context, Middleware } from 'koa';
import { AppError } from './app-error';
import { sendError } from './json-response';

/**
 * What a path that a route serves answers to the methods that route does not serve,
 * the same in every service: OPTIONS gets 204 with `Allow` (no CORS headers: the
 * product is same-origin), anything else 405 with the same `Allow`, which lists
 * exactly the route's methods (HEAD wherever GET is) plus OPTIONS.
 */
const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function allowHeader(served: Iterable<string>): string {
  const methods = new Set([...served, 'OPTIONS']);
  if (methods.has('GET')) methods.add('HEAD');
  const known = ORDER.filter((method) => methods.has(method));
  const others = [...methods].filter((method) => !ORDER.includes(method)).sort();
  return [...known, ...others].join(', ');
}

export function methodNotAllowed(served: Iterable<string>): AppError {
  return new AppError(405, 'method_not_allowed', 'Method not allowed on this route', undefined, {
    Allow: allowHeader(served),
  });
}

/** 204 with `Allow` for OPTIONS; throws the 405 for any other method. */
export function unservedMethodAnswer(
  method: string,
  served: Iterable<string>,
): { status: 204; headers: { Allow: string } } {
  if (method === 'OPTIONS') return { status: 204, headers: { Allow: allowHeader(served) } };
  throw methodNotAllowed(served);
}

/** Answers a Koa request with unservedMethodAnswer: sets the 204, or throws the 405. */
export function answerUnservedMethod(ctx: Context, served: Iterable<string>): void {
  const { status, headers } = unservedMethodAnswer(ctx.method, served);
  ctx.status = status;
  ctx.set(headers);
}

/** The same, for a raw node:http response. */
export function sendUnservedMethodAnswer(res: ServerResponse, method: string, served: Iterable<string>): void {
  let answer;
  try {
    answer = unservedMethodAnswer(method, served);
  } catch (error) {
    sendError(res, error as AppError);
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end();
}

interface MatchedLayer {
  methods: string[];
}

/**
 * Registered after every router of a Koa app (in place of each router's
 * allowedMethods()): a request whose path some route matched but whose method none
 * serves reaches it, and gets OPTIONS' 204 or the 405. A path no route matched goes on
 * to the error middleware's 404, whatever its method.
 */
export function answerUnservedMethods(): Middleware {
  return (ctx, next) => {
    // @koa/router records on ctx.matched every layer whose path matched, across all routers.
    const matched = (ctx as { matched?: MatchedLayer[] }).matched ?? [];
    const served = new Set(matched.flatMap((layer) => layer.methods));
    if (served.size === 0) return next();
    answerUnservedMethod(ctx, served);
    return undefined;
  };
}
