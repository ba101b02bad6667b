import type { Config } from '#libs/config';
import { createDatabase, type Database } from '#libs/db';
import { start, type MessagesServerDeps } from '../../../services/messages/src/server';
import { createApiClient, type ApiClient } from './messages-client';
import { testConfig } from '../product/test-config';

export interface MessagesApp {
  url: string;
  /** Where its /metrics is served. */
  metricsUrl: string;
  config: Config;
  stop(): Promise<void>;
}

/** Starts the real messages service on a free port. */
export async function startMessagesApp(
  env: Record<string, string | undefined> = {},
  deps: MessagesServerDeps = {},
): Promise<MessagesApp> {
  const config = testConfig(env);
  const server = await start(config, deps);
  return { url: server.url, metricsUrl: server.metricsUrl, config, stop: () => server.stop() };
}

/** A Prisma client on the test database, for arranging rows the API cannot create (shared timestamps). */
export function testDatabase(): Database {
  return createDatabase(testConfig().databaseUrl, { poolSize: 2 });
}

export interface MessagesAppOptions {
  env?: Record<string, string | undefined>;
  deps?: MessagesServerDeps;
}

export interface MessagesTestSetup {
  /** A client of the app; its requests go to the app's URL once beforeAll has started it. */
  api: ApiClient;
  /** The running app (its url and config); only inside tests and hooks. */
  readonly app: MessagesApp;
}

/**
 * One messages service for a test file: started in beforeAll, stopped in afterAll.
 * Options given as a function are read in beforeAll, after the file's earlier hooks
 * ran (a private Redis started there, say).
 */
export function useMessagesApp(options: MessagesAppOptions | (() => MessagesAppOptions) = {}): MessagesTestSetup {
  let app: MessagesApp | undefined;
  const running = () => {
    if (!app) throw new Error('the messages app is not running (used outside a test or hook?)');
    return app;
  };
  beforeAll(async () => {
    const { env, deps } = typeof options === 'function' ? options() : options;
    app = await startMessagesApp(env, deps);
  });
  afterAll(() => app?.stop());
  return {
    api: createApiClient(() => running().url),
    get app() {
      return running();
    },
  };
}

/** A test database client for the test file, disconnected in afterAll. */
export function useTestDatabase(): Database {
  const db = testDatabase();
  afterAll(() => db.$disconnect());
  return db;
}
