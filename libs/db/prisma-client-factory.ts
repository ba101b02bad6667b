import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { redactUrl } from '../config/redact-url';

export type Database = PrismaClient;

/**
 * Prisma over the pg driver adapter: queries run through Prisma's WebAssembly query
 * compiler, so no native engine is downloaded or needed.
 */
export function createDatabase(databaseUrl: string, options: { poolSize?: number } = {}): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
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
