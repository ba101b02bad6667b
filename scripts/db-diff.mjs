// `npm run db:diff`: prints the SQL that would bring prisma/migrations in line with
// prisma/schema.prisma, and exits 2 when they differ (0 when they agree).
// `npm run db:diff -- --create <name>` writes that SQL as a new migration folder.
// The engine replays the migrations in a throwaway shadow database on DATABASE_URL's server.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { databaseUrlFromEnv } from './lib/database-url.mjs';
import { migrationsDir, noFilters, openSchemaEngine, readMigrationsList } from './lib/schema-engine.mjs';

export async function diffMigrationsToSchema(databaseUrl) {
  const { engine, files, close } = await openSchemaEngine(databaseUrl);
  try {
    const { exitCode, stdout } = await engine.diff({
      from: { tag: 'migrations', ...(await readMigrationsList()) },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return { drifted: exitCode === 2, sql: stdout ?? '' };
  } finally {
    await close();
  }
}

function timestamp(date = new Date()) {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const createIndex = process.argv.indexOf('--create');
  const name = createIndex > -1 ? process.argv[createIndex + 1] : undefined;
  if (createIndex > -1 && !/^[a-z0-9_]+$/.test(name ?? '')) {
    console.error('usage: npm run db:diff -- --create <name in snake_case>');
    process.exit(64);
  }
  const { drifted, sql } = await diffMigrationsToSchema(databaseUrlFromEnv());
  if (!drifted) {
    console.log('db:diff: prisma/migrations matches prisma/schema.prisma');
    process.exit(0);
  }
  if (name) {
    const dir = path.join(migrationsDir, `${timestamp()}_${name}`);
    await mkdir(dir);
    await writeFile(path.join(dir, 'migration.sql'), sql);
    console.log(`db:diff: wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
    process.exit(0);
  }
  process.stdout.write(sql);
  process.exit(2);
}
