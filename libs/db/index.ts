// The db lib's public surface: the Prisma client over the pg adapter. Whether an error
// means PostgreSQL is unavailable lives in libs/http, so services without a database do
// not load Prisma to answer errors.
export { Prisma, PrismaClient } from './generated/client';
export { connectDatabase, createDatabase, createDatabasePool, type Database } from './prisma-client-factory';
