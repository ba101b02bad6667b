/**
 * The token a request carries: `Authorization: Bearer <token>`, or `?token=` for
 * clients that cannot set headers (the browser's EventSource). Pass no query value
 * where query tokens are not accepted.
 */
export function tokenFromRequest(authorization: string | undefined, queryToken?: unknown): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    // A present but unusable header is not silently ignored in favour of the query.
    return match ? match[1] : '';
  }
  return typeof queryToken === 'string' ? queryToken : undefined;
}
