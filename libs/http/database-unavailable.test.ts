import net from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import { loadConfig } from '#libs/config';
import { createDatabase, PrismaClient } from '#libs/db';
import { AppError } from './app-error';
import { isDatabaseUnavailable } from './database-unavailable';
import { startPrivatePostgres } from '../../test/support/infra/private-postgres';

// The classifier against real failures, produced here as the services meet them (the
// Prisma client over @prisma/adapter-pg), and against real errors that are bugs.
const databaseUrl = loadConfig(process.env).databaseUrl;
const clients: PrismaClient[] = [];
const servers: net.Server[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect().catch(() => {})));
  for (const server of servers) server.close();
});

function clientFor(
  url: string,
  options: { connectionTimeoutMillis?: number; max?: number; statement_timeout?: number } = {},
): PrismaClient {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, ...options }) });
  clients.push(client);
  return client;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** A local TCP listener that does `onConnection` with each socket: the peer PostgreSQL is not. */
async function listener(onConnection: (socket: net.Socket) => void): Promise<string> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `postgresql://postgres@127.0.0.1:${(server.address() as net.AddressInfo).port}/x`;
}

describe('Connection-class failures', () => {
  test('When nothing listens on the port (refused), then it is unavailable', async () => {
    const url = await listener(() => {});
    servers.pop()!.close();
    const error = await failure(() => clientFor(url).$queryRaw`SELECT 1`);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test('When the server resets or closes the connection, then it is unavailable', async () => {
    for (const url of [await listener((s) => s.resetAndDestroy()), await listener((s) => s.destroy())]) {
      const error = await failure(() => clientFor(url).$queryRaw`SELECT 1`);
      expect({ url, unavailable: isDatabaseUnavailable(error) }).toEqual({ url, unavailable: true });
    }
  });

  test('When the server never answers, then the connection timeout ends the query and it is unavailable', async () => {
    const url = await listener(() => {});
    const started = Date.now();
    const query = await failure(() => clientFor(url, { connectionTimeoutMillis: 300 }).$queryRaw`SELECT 1`);
    const transaction = await failure(() =>
      clientFor(url, { connectionTimeoutMillis: 300 }).$transaction((tx) => tx.$queryRaw`SELECT 1`),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect([isDatabaseUnavailable(query), isDatabaseUnavailable(transaction)]).toEqual([true, true]);
  });

  test('When PostgreSQL terminates the session (57P01, as on a fast shutdown), then it is unavailable', async () => {
    const db = createDatabase(databaseUrl, { poolSize: 1 });
    clients.push(db);
    const error = await failure(() => db.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test('When PostgreSQL has no connection left (53300), then it is unavailable', async () => {
    const postgres = await startPrivatePostgres({
      migrate: false,
      settings: { max_connections: '2', superuser_reserved_connections: '0' },
    });
    try {
      const db = clientFor(postgres.url.replace(/\/messenger$/, '/postgres'), { max: 4 });
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => db.$queryRaw`SELECT pg_sleep(0.3)::text`));
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(refused.length).toBeGreaterThan(0);
      for (const outcome of refused) expect(isDatabaseUnavailable(outcome.reason)).toBe(true);
    } finally {
      await postgres.destroy();
    }
  }, 60_000);

  test('When the error has the shape seen while PostgreSQL starts up (57P03, wrapped by the adapter), then it is unavailable', () => {
    // As logged from a real start after a crash (see database-unavailable.ts); the
    // window is too short to hit on purpose.
    const wrapped = {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P03', originalCode: '57P03' } } },
    };
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('x', { cause: { code: '08006' } }))).toBe(true);
  });
});

describe('Failures that are bugs, not outages', () => {
  test('When a query fails in PostgreSQL (division by zero, unknown table, cancelled by statement_timeout), then it is not unavailable', async () => {
    const db = clientFor(databaseUrl);
    const timed = clientFor(databaseUrl, { statement_timeout: 50 });
    const errors = [
      await failure(() => db.$queryRaw`SELECT 1 / 0`),
      await failure(() => db.$queryRaw`SELECT * FROM no_such_table`),
      await failure(() => timed.$queryRaw`SELECT pg_sleep(1)::text`),
    ];
    expect(errors.map((error) => isDatabaseUnavailable(error))).toEqual([false, false, false]);
  });

  test('When the error is a plain bug or an AppError, then it is not unavailable', () => {
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(new AppError(404, 'not_found', 'Not found'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated')).toBe(false);
  });
});
