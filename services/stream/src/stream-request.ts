import type { IncomingMessage } from 'node:http';
import { tokenFromRequest, InvalidTokenError, type TokenVerifier } from '#libs/auth';
import {
  badRequest,
  notAcceptable,
  serviceUnavailable,
  unauthorized,
  requestPath,
  requestQuery,
  isStreamPath,
} from '#libs/http';
import type { OpenStreamRequest } from './stream-hub';

/** The methods the stream path serves (HEAD answers the head a stream would start with). */
export const STREAM_METHODS = ['GET', 'HEAD'];

/** How long a client should wait before retrying when Redis cannot be read. */
export const REDIS_RETRY_AFTER_SECONDS = 2;

/**
 * Checks a `GET /api/messages` request and reads what opening its stream needs.
 * Throws the AppError to answer with: 503 while shutting down, 406 unless Accept
 * contains text/event-stream, 401 for a missing or bad token (a `token` given twice
 * included: which one was meant?), 400 for a `lastEventId` given twice.
 */
export function readStreamRequest(req: IncomingMessage, tokens: TokenVerifier, closing: boolean): OpenStreamRequest {
  if (closing) throw serviceUnavailable('The stream service is shutting down; reconnect', 'shutting_down');
  if (!(req.headers.accept ?? '').toLowerCase().includes('text/event-stream')) {
    throw notAcceptable('This endpoint only serves text/event-stream');
  }
  // The same parsing every request log uses to redact tokens (libs/http/loggable-url.ts).
  const query = requestQuery(req.url ?? '');
  let verified;
  try {
    verified = tokens.verify(tokenFromRequest(req.headers.authorization, single(query, 'token')), [
      'session',
      'stream',
    ]);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthorized(error.message);
    throw error;
  }
  const cursors = query.getAll('lastEventId');
  if (cursors.length > 1) throw badRequest('lastEventId is given more than once');
  // The header is what browsers send on their own reconnects, so it wins over the query
  // (which a page uses for a fresh EventSource, after a reauth).
  const header = req.headers['last-event-id'];
  const resumeFrom = (typeof header === 'string' && header) || cursors[0] || undefined;
  return { userId: verified.userId, expiresAt: verified.expiresAt, resumeFrom };
}

/**
 * Drops what the request of an open stream no longer needs: its headers and its URL's
 * query, both read once, when the stream opened. The request lives as long as its
 * stream (hours), and would keep the token it came with (in `Authorization` or
 * `?token=`): a credential left in the heap for nothing, and a few hundred bytes of
 * every open stream's memory (bench/README.md, change 12).
 */
export function forgetRequestHead(req: IncomingMessage): void {
  req.headers = {};
  req.rawHeaders = [];
  req.url = requestPath(req.url ?? '');
}

/** The one value of a query parameter; throws InvalidTokenError `malformed` when it is repeated. */
function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1)
    throw new InvalidTokenError(`Malformed request: "${name}" is given more than once`, 'malformed');
  return values[0];
}

/** A request the raw endpoint may open a stream for: GET on the stream path (stream-path.ts). */
export function isStreamRequest(req: IncomingMessage): boolean {
  return req.method === 'GET' && isStreamPath(req.url ?? '');
}
