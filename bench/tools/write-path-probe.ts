import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { installExitHooks, stopChild } from '../harness/child-processes';
import { waitForHealthy } from '../harness/free-port';
import { benchDatabaseUrl, lockBenchDatabase } from '../harness/bench-database';
import { postJson, spawnMessagesService } from '../scenarios/end-to-end-scenario';

/**
 * What one send costs PostgreSQL, counted rather than timed (so a shared machine's load
 * does not blur it): `npx tsx bench/tools/write-path-probe.ts [sends]` starts the messages
 * service on the bench database, sends messages one at a time in one conversation, and
 * prints, per POST, the transactions committed (the send's, plus the outbox relay's
 * cycles) and the rows inserted, updated and deleted, and per table its updates and how
 * many of them were HOT (pg_stat_user_tables.n_tup_hot_upd: no new index entries).
 * Needs Redis at REDIS_URL (default 127.0.0.1:6379; keys under the `probe` prefix).
 */
const sends = Number(process.argv[2] ?? 200);
const TABLES = ['conversations', 'participants', 'event_counters', 'messages', 'outbox_events'];

async function main() {
  installExitHooks();
  const databaseUrl = benchDatabaseUrl();
  // Another run's transactions would be counted as this one's.
  const lock = await lockBenchDatabase(databaseUrl);
  const env = {
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    jwtSecret: randomBytes(16).toString('hex'),
    prefix: 'probe',
  };
  const { child, url } = await spawnMessagesService(env, databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await waitForHealthy(`${url}/healthz`, 60_000, () => child.exitCode === null);
    const alice = await postJson<{ token: string }>(`${url}/api/login`, { username: 'probe_alice' });
    await postJson(`${url}/api/login`, { username: 'probe_bob' });
    const conversation = await postJson<{ id: string }>(
      `${url}/api/conversations`,
      { username: 'probe_bob' },
      alice.token,
    );
    const send = (content: string) =>
      postJson(`${url}/api/conversations/${conversation.id}/messages`, { content }, alice.token);
    for (let i = 0; i < 20; i++) await send(`warm-up ${i}`);
    await client.connect();
    // Statistics reach pg_stat_* when a backend goes idle, within about a second.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
    const stats = async () => {
      await client.query('SELECT pg_stat_clear_snapshot()');
      const database = await client.query(
        'SELECT xact_commit::int AS xact, tup_inserted::int AS ins, tup_updated::int AS upd, tup_deleted::int AS del FROM pg_stat_database WHERE datname = current_database()',
      );
      const tables = await client.query(
        'SELECT relname, n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relname = ANY($1)',
        [TABLES],
      );
      return { database: database.rows[0], tables: new Map(tables.rows.map((row) => [row.relname, row])) };
    };
    await settle();
    const before = await stats();
    for (let i = 0; i < sends; i++) await send(`probe ${i}`);
    await settle();
    const after = await stats();
    const per = (key: string) => ((after.database[key] - before.database[key]) / sends).toFixed(2);
    console.log(
      `per POST: ${per('xact')} transactions, ${per('ins')} rows inserted, ${per('upd')} updated, ${per('del')} deleted`,
    );
    for (const table of TABLES) {
      const [from, to] = [before.tables.get(table), after.tables.get(table)];
      if (from && to) console.log(`${table}: ${to.upd - from.upd} updates, ${to.hot - from.hot} HOT`);
    }
  } finally {
    await client.end().catch(() => {});
    await stopChild(child, 10_000);
    await lock.release();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
