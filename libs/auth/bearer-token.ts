import { InvalidTokenError } from './token-verifier';

/**
 * The token a request carries: `Authorization: Bearer <token>`, or `?token=` for
 * clients that cannot set headers (the browser's EventSource). Pass no query value
 * where query tokens are not accepted. Undefined when neither is present.
 *
 * A present but unusable header (another scheme, no token, two tokens) throws
 * InvalidTokenError `malformed`: it is neither silently ignored in favour of the query
 * nor reported as a missing token.
 */
export function tokenFromRequest(authorization: string | undefined, queryToken?: unknown): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new InvalidTokenError('Malformed Authorization header: expected "Bearer <token>"', 'malformed');
    return match[1];
  }
  return typeof queryToken === 'string' ? queryToken : undefined;
}
