import type { Redis } from 'ioredis';
import type { Database } from '#libs/db';
import { readOutboxBacklog, type OutboxBacklog } from '../outbox/outbox-backlog';

export interface HealthReport {
  /**
   * `ok`; `degraded` while requests still succeed but events are late (Redis is down,
   * or the oldest waiting event is older than `staleMs`); `unavailable` without PostgreSQL.
   */
  status: 'ok' | 'degraded' | 'unavailable';
  postgres: 'ok' | 'unavailable';
  redis: 'ok' | 'unavailable';
  /** The outbox (outbox-backlog.ts); null when PostgreSQL cannot be read. */
  outbox: OutboxBacklog | null;
}

export type HealthCheck = () => Promise<HealthReport>;

export interface HealthCheckOptions {
  /** Each probe's timeout: a health check that hangs with its dependency is no use. Defaults to 1000 ms. */
  timeoutMs?: number;
  /** A backlog whose oldest row is older than this makes the status `degraded`. Defaults to 5000 ms. */
  staleMs?: number;
}

/**
 * PostgreSQL (the outbox backlog query is the probe) and Redis, probed in parallel.
 * Only PostgreSQL decides availability: without Redis every request still succeeds,
 * and the outbox keeps the events until Redis is back.
 */
export function createHealthCheck(db: Database, redis: Redis, options: HealthCheckOptions = {}): HealthCheck {
  const timeoutMs = options.timeoutMs ?? 1000;
  const staleMs = options.staleMs ?? 5000;
  return async () => {
    const [outbox, redisUp] = await Promise.all([
      probe(() => readOutboxBacklog(db), timeoutMs),
      probe(() => redis.ping(), timeoutMs),
    ]);
    const postgres = outbox === undefined ? 'unavailable' : 'ok';
    const redisState = redisUp === undefined ? 'unavailable' : 'ok';
    const status =
      postgres === 'unavailable'
        ? 'unavailable'
        : redisState === 'unavailable' || outbox!.oldestAgeMs > staleMs
          ? 'degraded'
          : 'ok';
    return { status, postgres, redis: redisState, outbox: outbox ?? null };
  };
}

/** The check's result, or undefined when it failed or timed out. */
async function probe<T>(check: () => Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
