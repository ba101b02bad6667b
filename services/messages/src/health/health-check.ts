import type { Redis } from 'ioredis';
import type { Database } from '../../../../libs/db/prisma-client-factory';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  postgres: 'ok' | 'unavailable';
  redis: 'ok' | 'unavailable';
}

export type HealthCheck = () => Promise<HealthReport>;

/**
 * Both dependencies, probed in parallel, each with a short timeout: a health check
 * that hangs with its dependency is no use to an orchestrator. Defaults to 1000 ms.
 */
export function createHealthCheck(db: Database, redis: Redis, timeoutMs = 1000): HealthCheck {
  return async () => {
    const [postgres, redisState] = await Promise.all([
      probe(() => db.$queryRaw`SELECT 1`, timeoutMs),
      probe(() => redis.ping(), timeoutMs),
    ]);
    const status = postgres === 'ok' && redisState === 'ok' ? 'ok' : 'unavailable';
    return { status, postgres, redis: redisState };
  };
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}
