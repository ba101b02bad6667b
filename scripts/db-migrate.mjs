// `npm run db:migrate`: creates the database at DATABASE_URL when it does not exist,
// then applies prisma/migrations the way `prisma migrate deploy` does (recorded in
// _prisma_migrations, so either tool can take over), without downloading anything.
import pg from 'pg';
import { databaseUrlFromEnv } from './lib/database-url.mjs';
import { noFilters, openSchemaEngine, readMigrationsList } from './lib/schema-engine.mjs';

const PG_DUPLICATE_DATABASE = '42P04';

async function createDatabaseIfMissing(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (error) {
    if (error.code === PG_DUPLICATE_DATABASE) return false; // created concurrently
    throw error;
  } finally {
    await client.end();
  }
}

export async function migrate(databaseUrl) {
  const created = await createDatabaseIfMissing(databaseUrl);
  const { engine, close } = await openSchemaEngine(databaseUrl);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrationsList(),
      filters: noFilters,
    });
    return { created, appliedMigrationNames };
  } finally {
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const databaseUrl = databaseUrlFromEnv();
  const where = new URL(databaseUrl);
  where.password = '';
  try {
    const { created, appliedMigrationNames } = await migrate(databaseUrl);
    if (created) console.log(`db:migrate: created database ${where.pathname.slice(1)}`);
    console.log(
      appliedMigrationNames.length
        ? `db:migrate: applied ${appliedMigrationNames.join(', ')}`
        : 'db:migrate: database is up to date',
    );
    // Exit now rather than when the event loop empties: the WebAssembly schema engine
    // leaves a 10 s timer behind that free() does not clear.
    process.exit(0);
  } catch (error) {
    console.error(`db:migrate: failed against ${where.host}${where.pathname}: ${error.message}`);
    if (error.code === 'ECONNREFUSED') {
      console.error('Is PostgreSQL running? Start one with: docker compose up -d postgres redis');
    }
    process.exit(1);
  }
}
