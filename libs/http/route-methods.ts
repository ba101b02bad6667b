import type { ServerResponse } from 'node:http';
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

/** unservedMethodAnswer for a raw node:http response: writes the 204, or sends the 405. */
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
