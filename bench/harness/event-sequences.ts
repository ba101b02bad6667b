import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Makes the bench database's event sequences agree with the bench's Redis before the
 * end-to-end scenario: no user has an event, in PostgreSQL (counters, outbox) or in
 * Redis (the logs and heads under `prefix`).
 *
 * Why: the bench's Redis starts empty every run, while PostgreSQL keeps each user's
 * sequence across runs. A user's next event would then follow a sequence the Redis log
 * has never seen, and the product's relay would take it for Redis having lost
 * acknowledged events (the `gap` path of libs/events/event-appender.ts: one more
 * PostgreSQL query and one more append per user, and a `resync` for their tabs). That
 * path is for a real Redis loss; the bench measures the steady state. (The write
 * scenario needs none: its 2 s warm-up sends in nearly every one of its 200
 * conversations before it measures.)
 */
export async function startEventSequencesAfresh(databaseUrl: string, redisUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('TRUNCATE outbox_events, event_counters');
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
