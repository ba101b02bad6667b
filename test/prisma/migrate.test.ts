import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '#libs/config';
import { withClient } from '../support/infra/pg-client';
import { rootDir, runDbScript } from './run-db-script';

// A database of this test's own on the shared server, dropped afterwards.
const serverUrl = new URL(loadConfig(process.env).databaseUrl);
const name = `messenger_migrate_test_${randomBytes(6).toString('hex')}`;
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
const migrations = readdirSync(path.join(rootDir, 'prisma/migrations'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

afterAll(async () => {
  const admin = Object.assign(new URL(serverUrl), { pathname: '/postgres' }).toString();
  await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

test('When db:migrate runs against a database that does not exist, then it creates it and applies every migration, and a second run applies nothing', async () => {
  const first = await runDbScript('db-migrate.mjs', { DATABASE_URL: databaseUrl });
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`created database ${name}`);
  expect(first.stdout).toContain(`applied ${migrations.join(', ')}`);

  const { tables, recorded } = await withClient(databaseUrl, async (client) => ({
    tables: (
      await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
    ).rows.map((r) => r.tablename),
    recorded: (
      await client.query(
        `SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name`,
      )
    ).rows,
  }));
  expect(tables).toEqual([
    '_prisma_migrations',
    'conversations',
    'event_counters',
    'messages',
    'outbox_events',
    'participants',
    'users',
  ]);
  // Recorded the way `prisma migrate deploy` records them, so either tool can take over.
  expect(recorded).toEqual(migrations.map((migration_name) => ({ migration_name, finished: true })));

  const second = await runDbScript('db-migrate.mjs', { DATABASE_URL: databaseUrl });
  expect(second.code).toBe(0);
  expect(second.stdout).not.toContain('created database');
  expect(second.stdout).toContain('database is up to date');
}, 120_000);

test('When db:migrate is done, then it exits at once rather than waiting on open connections or timers (about 10 s)', async () => {
  await runDbScript('db-migrate.mjs', { DATABASE_URL: databaseUrl });
  const started = Date.now();
  const run = await runDbScript('db-migrate.mjs', { DATABASE_URL: databaseUrl });
  expect(run.code).toBe(0);
  // Starting Node and the WebAssembly engine takes about a second; a pool's idle timeout takes ten.
  expect(Date.now() - started).toBeLessThan(6000);
}, 60_000);
