import type { IncomingMessage } from 'node:http';
import { tokenFromRequest } from '../../../libs/auth/bearer-token';
import { InvalidTokenError, type TokenService } from '../../../libs/auth/token-service';
import { notAcceptable, serviceUnavailable, unauthorized } from '../../../libs/http/app-error';
import type { OpenStreamRequest } from './stream-hub';

export const STREAM_PATH = '/api/messages';

/**
 * Checks a `GET /api/messages` request and reads what opening its stream needs.
 * Throws the AppError to answer with: 503 while shutting down, 406 unless Accept
 * contains text/event-stream, 401 for a missing or bad token.
 */
export function readStreamRequest(req: IncomingMessage, tokens: TokenService, closing: boolean): OpenStreamRequest {
  if (closing) throw serviceUnavailable('The stream service is shutting down; reconnect', 'shutting_down');
  if (!(req.headers.accept ?? '').toLowerCase().includes('text/event-stream')) {
    throw notAcceptable('This endpoint only serves text/event-stream');
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  let verified;
  try {
    verified = tokens.verify(tokenFromRequest(req.headers.authorization, query.get('token') ?? undefined), [
      'session',
      'stream',
    ]);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthorized(error.message);
    throw error;
  }
  // The header is what browsers send on their own reconnects, so it wins over the query
  // (which a page uses for a fresh EventSource, after a reauth).
  const header = req.headers['last-event-id'];
  const resumeFrom = (typeof header === 'string' && header) || query.get('lastEventId') || undefined;
  return { userId: verified.userId, expiresAt: verified.expiresAt, resumeFrom };
}

export function isStreamRequest(req: IncomingMessage): boolean {
  if (req.method !== 'GET' || !req.url) return false;
  const query = req.url.indexOf('?');
  return (query < 0 ? req.url : req.url.slice(0, query)) === STREAM_PATH;
}
