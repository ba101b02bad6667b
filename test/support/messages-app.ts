import { loadConfig, type Config } from '../../libs/config/config';
import { createDatabase, type Database } from '../../libs/db/prisma-client-factory';
import { start, type MessagesServerDeps } from '../../services/messages/src/server';

export interface MessagesApp {
  url: string;
  config: Config;
  stop(): Promise<void>;
}

/**
 * The config a test runs the messages service with: the environment's databases,
 * port 0, quiet logs (TEST_LOG_LEVEL=debug to see them), plus the test's overrides.
 */
export function messagesTestConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    MESSAGES_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

/** Starts the real messages service on a free port. */
export async function startMessagesApp(
  env: Record<string, string | undefined> = {},
  deps: MessagesServerDeps = {},
): Promise<MessagesApp> {
  const config = messagesTestConfig(env);
  const server = await start(config, deps);
  return { url: server.url, config, stop: server.stop };
}

/** A Prisma client on the test database, for arranging rows the API cannot create (shared timestamps). */
export function testDatabase(): Database {
  return createDatabase(messagesTestConfig().databaseUrl, { poolSize: 2 });
}
