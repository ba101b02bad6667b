/**
 * True when `error` means PostgreSQL cannot be reached or cannot serve right now (it
 * is down, restarting, starting up, out of connections, or a connection to it broke),
 * as opposed to a bug or a bad query. The error middleware answers those with 503
 * `database_unavailable` and Retry-After; everything else stays a 500.
 *
 * The shapes below were read off real failures (a PostgreSQL cluster restarted,
 * crashed and started during queries; a refused port; a listener that never answers;
 * max_connections exhausted), as they reach a caller of the Prisma client:
 * - PrismaClientKnownRequestError with `meta.driverAdapterError`, a DriverAdapterError
 *   whose `cause` is `{kind, code?, originalCode?}`: kind DatabaseNotReachable
 *   (ECONNREFUSED), ConnectionClosed (ECONNRESET), SocketTimeout (ETIMEDOUT),
 *   TooManyConnections (53300), or `postgres` with the SQLSTATE in `code` (57P01 on a
 *   fast shutdown, 57P03 "starting up" / "not yet accepting connections");
 *   interactive transactions get code P1001 instead of P2010 for the same cause;
 * - pg's own errors, passed through unwrapped by @prisma/adapter-pg when they carry no
 *   SQLSTATE: "Connection terminated unexpectedly" (a crash under a query),
 *   "Connection terminated due to connection timeout" (connectionTimeoutMillis), the
 *   pool's "timeout exceeded when trying to connect", and plain socket errors
 *   (EPIPE is not one the adapter maps).
 *
 * A bare socket error says nothing of whose socket it was. It is taken for
 * PostgreSQL's because PostgreSQL is the only dependency whose failures reach the error
 * middleware: Redis publishes and GitHub calls are caught where they happen.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const pending: unknown[] = [error];
  const seen = new Set<object>();
  while (pending.length > 0 && seen.size < 20) {
    const candidate = pending.shift();
    if (typeof candidate !== 'object' || candidate === null || seen.has(candidate)) continue;
    seen.add(candidate);
    const found = candidate as ErrorLike;
    if (isConnectionClass(found)) return true;
    pending.push(found.cause, found.meta?.driverAdapterError);
    if (Array.isArray(found.errors)) pending.push(...(found.errors as unknown[]));
  }
  return false;
}

interface ErrorLike {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  /** AggregateError: a connect that tried several addresses. */
  errors?: unknown;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; and class 08 below.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// Prisma's codes for the same: can't reach, timed out, operation timed out, connection
// closed, pool timeout, too many connections.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
const MESSAGES = [
  /^Connection terminated\b/,
  /timeout exceeded when trying to connect/,
  /the database system is (shutting down|starting up|not yet accepting connections|in recovery mode)/,
  /is not queryable/,
];

function isConnectionClass({ code, originalCode, kind, message }: ErrorLike): boolean {
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
  for (const value of [code, originalCode]) {
    if (typeof value !== 'string') continue;
    if (SOCKET_CODES.has(value) || SQLSTATES.has(value) || PRISMA_CODES.has(value)) return true;
    if (CONNECTION_EXCEPTION.test(value)) return true;
  }
  return typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message));
}
