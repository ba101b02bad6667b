import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {} from '../messages/messages-app';
import { withClient } from './pg-client';
import { testConfig } from '../product/test-config';

/**
 * A database of the test's own on the test PostgreSQL, with the committed migrations
 * applied, dropped again by `drop()`.
 *
 * For tests whose messages service publishes to a Redis of their own: every messages
 * service relays the outbox of its database to its Redis, so on the shared database
 * the other test files' services would relay this test's events to the shared Redis,
 * and this one theirs to its own. Its user ids start again at 1, so it must not share
 * an events prefix on a Redis with the test database (see test-events-prefix.ts).
 */
export interface PrivateDatabase {
  url: string;
  drop(): Promise<void>;
}

const MIGRATIONS = path.resolve(__dirname, '../../../prisma/migrations');

export async function createPrivateDatabase(label: string): Promise<PrivateDatabase> {
  const base = new URL(testConfig().databaseUrl);
  const name = `${base.pathname.slice(1)}_${label}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  const admin = new URL(base);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  // The migrations' SQL as is, oldest first: what `npm run db:migrate` applies, without its bookkeeping.
  const folders = (await readdir(MIGRATIONS, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  await withClient(url.toString(), async (client) => {
    for (const folder of folders)
      await client.query(await readFile(path.join(MIGRATIONS, folder, 'migration.sql'), 'utf8'));
  });
  return {
    url: url.toString(),
    async drop() {
      await withClient(admin.toString(), (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
