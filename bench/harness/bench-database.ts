import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './child-processes';
import { adminUrlOf, databaseName } from './postgres-cpu';

/** `<database>_bench` beside DATABASE_URL's database: two checkouts benching at once do not share users or outbox. */
export function benchDatabaseUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/messenger');
  url.pathname = `${url.pathname.replace(/^\/+/, '') || 'messenger'}_bench`;
  return url.toString();
}

/** True when every committed migration is recorded as applied (migrating costs ~10 s even when there is nothing to do). */
async function migrationsApplied(databaseUrl: string): Promise<boolean> {
  const wanted = readdirSync(path.join(REPO_ROOT, 'prisma', 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return wanted.every((name) => applied.has(name));
  } catch {
    return false; // no database or no migrations table yet
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Migrates the bench database when it needs it, then vacuums and analyses it. Every run
 * adds to it (users, messages, and the outbox's dead rows: two per send), and on a
 * PostgreSQL without autovacuum (this machine's CI configuration turns it off) those
 * dead rows would stay for good: each run would then find the outbox costlier to scan
 * than the run before, and before/after comparisons would favour whichever ran first.
 */
export async function prepareBenchDatabase(databaseUrl: string) {
  await migrate(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end().catch(() => {});
  }
}

async function migrate(databaseUrl: string) {
  if (await migrationsApplied(databaseUrl)) return;
  const child = spawn(
    process.execPath,
    ['--experimental-wasm-modules', '--no-warnings=ExperimentalWarning', 'scripts/db-migrate.mjs'],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`db:migrate of ${databaseUrl} exited with ${code}`);
}

/**
 * Holds, for the whole run, a session-level advisory lock named for the bench database
 * (taken in the server's `postgres` database, which exists before the bench database
 * does). Two bench runs on one bench database would each reset the other's event
 * sequences in the middle of its measured steps (event-sequences.ts); the second one
 * refuses to start instead. Released when `release` is called or the process ends.
 */
export async function lockBenchDatabase(databaseUrl: string): Promise<{ release(): Promise<void> }> {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({ connectionString: adminUrlOf(databaseUrl) });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      `messenger bench: ${name}`,
    ]);
    if (!rows[0]!.locked)
      throw new Error(
        `another bench run is using the database ${name}; wait for it to end (or set DATABASE_URL to another database)`,
      );
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return { release: () => client.end().catch(() => {}) };
}
