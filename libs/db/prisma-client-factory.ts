import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client';
import { redactUrl } from '#libs/config';
import { createStatementNamer } from './statement-names';

export type Database = PrismaClient;

/**
 * How long a query waits for a connection: to open one (pg's connect timeout) or for
 * one of the pool's to come free (pg-pool's wait). Without it, pg waits for ever: a
 * PostgreSQL that accepts TCP but does not answer, or a pool that stays full, would
 * hold requests open. When it expires the request answers 503 (libs/http/database-unavailable.ts).
 */
export const CONNECTION_TIMEOUT_MS = 3000;

/**
 * The pg pool under the Prisma client. The send runs on it directly (one prepared
 * statement, no query plan to interpret), everything else through Prisma; sharing one
 * pool keeps PostgreSQL's connection count what the pool size says.
 */
export function createDatabasePool(databaseUrl: string, options: { poolSize?: number } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
  });
}

/**
 * Prisma over the pg driver adapter: queries run through Prisma's WebAssembly query
 * compiler, so no native engine is downloaded or needed. Given a pool, the client runs
 * on it and ends it on $disconnect(); given a URL, on a pool of its own.
 */
export function createDatabase(source: string | pg.Pool, options: { poolSize?: number } = {}): Database {
  const pool = typeof source === 'string' ? createDatabasePool(source, options) : source;
  const adapter = new PrismaPg(pool, { statementNameGenerator: createStatementNamer(), disposeExternalPool: true });
  return new PrismaClient({ adapter });
}

export async function connectDatabase(db: Database, databaseUrl: string): Promise<void> {
  try {
    await db.$queryRaw`SELECT 1`;
  } catch (error) {
    throw new Error(
      `Cannot reach PostgreSQL at ${redactUrl(databaseUrl)} (${(error as Error).message}). ` +
        'Start one with: docker compose up -d postgres redis, then npm run db:migrate',
      { cause: error },
    );
  }
}
