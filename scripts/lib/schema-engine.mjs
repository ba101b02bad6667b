// The one place that talks to Prisma's schema engine.
//
// Prisma's CLI downloads a native schema engine before `migrate deploy` or `migrate
// diff`, which machines without access to Prisma's binary host cannot do. The same
// engine is published on npm as WebAssembly (@prisma/schema-engine-wasm) and runs
// over a driver adapter instead of its own connection. It is an internal API, so
// versions are pinned exactly in package.json and test/prisma covers this module.
// Node 20 loads it only with --experimental-wasm-modules (it imports its .wasm).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { SchemaEngine } from '@prisma/schema-engine-wasm';
import { parse as parseConnectionString } from 'pg-connection-string';

export const rootDir = path.resolve(import.meta.dirname, '../..');
export const schemaPath = path.join(rootDir, 'prisma/schema.prisma');
export const migrationsDir = path.join(rootDir, 'prisma/migrations');
export const noFilters = { externalTables: [], externalEnums: [] };

export async function readSchemaFiles() {
  return [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }];
}

/**
 * The committed migrations in the shape the engine expects, oldest first. Paths are
 * relative, as Prisma's CLI gives them: the directory name is what _prisma_migrations
 * records, so `prisma migrate deploy` recognises migrations applied from here.
 */
export async function readMigrationsList() {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    dirs.map(async (name) => {
      const content = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8')
        .then((value) => ({ tag: 'ok', value }))
        .catch((error) => ({ tag: 'error', value: error.message }));
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockPath, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

// The engine introspects catalog columns of PostgreSQL's one-byte "char" type (oid 18),
// which @prisma/adapter-pg rejects as an unsupported column type. pg already returns
// those values as strings, so report them as text (oid 25).
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function reportCharAsText(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (...args) => {
    const result = await performIO(...args);
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  const startTransaction = queryable.startTransaction?.bind(queryable);
  if (startTransaction)
    queryable.startTransaction = async (...args) => reportCharAsText(await startTransaction(...args));
  return queryable;
}

function migrationAdapterFactory(databaseUrl, opened) {
  // Discrete fields rather than a connection string: the adapter opens its shadow
  // database by overriding `database`, which a connection string would win over.
  const { host, port, user, password, database } = parseConnectionString(databaseUrl);
  const config = { host, port: port ? Number(port) : undefined, user, password, database };
  const factory = new PrismaPg(config);
  return bindMigrationAwareSqlAdapterFactory({
    provider: factory.provider,
    adapterName: factory.adapterName,
    // Kept so that close() can end their pools: an open pool keeps the process alive
    // until its idle timeout (about 10 s after a migration had finished).
    connect: async () => {
      const connection = reportCharAsText(await factory.connect());
      opened.push(connection);
      return connection;
    },
    // The adapter's own shadow database is dropped while its pool still holds a
    // connection, so the drop fails and the database is left behind. Own it here:
    // close the pool first, then drop with FORCE.
    connectToShadowDb: async () => {
      const admin = await factory.connect();
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = reportCharAsText(await new PrismaPg({ ...config, database: name }).connect());
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await disposeShadow();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.dispose();
      };
      return shadow;
    },
  });
}

/** Opens an engine on the database at `databaseUrl`. Await `close()` when done: it ends the engine's connections. */
export async function openSchemaEngine(databaseUrl, { log = () => {} } = {}) {
  const files = await readSchemaFiles();
  const opened = [];
  const adapter = migrationAdapterFactory(databaseUrl, opened);
  const engine = await SchemaEngine.new(
    { datamodels: files.map((f) => [f.path, f.content]) },
    (message) => log(message),
    adapter,
  );
  return {
    engine,
    files,
    close: async () => {
      engine.free();
      await Promise.allSettled(opened.splice(0).map((connection) => connection.dispose()));
    },
  };
}
