import type { Database } from '#libs/db';

export interface OutboxBacklog {
  /** Rows waiting for the relay, counted up to BACKLOG_COUNT_CAP (a larger backlog reads as the cap). */
  backlog: number;
  /** Age of the oldest waiting row, by PostgreSQL's clock; 0 when none waits. */
  oldestAgeMs: number;
}

export const BACKLOG_COUNT_CAP = 10_000;

/**
 * The outbox's backlog, cheaply: the table is a queue, nearly empty while the relay
 * keeps up, and the count stops at the cap however long it grows.
 */
export async function readOutboxBacklog(db: Database): Promise<OutboxBacklog> {
  const [row] = await db.$queryRaw<{ backlog: number; oldest_age_ms: number | null }[]>`
    SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox_events LIMIT ${BACKLOG_COUNT_CAP}) capped)::int AS backlog,
           (EXTRACT(EPOCH FROM clock_timestamp() - (SELECT min(created_at) FROM outbox_events)) * 1000)::float8 AS oldest_age_ms`;
  return { backlog: row?.backlog ?? 0, oldestAgeMs: Math.max(0, Math.round(row?.oldest_age_ms ?? 0)) };
}
