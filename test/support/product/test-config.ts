import { loadConfig, type Config } from '#libs/config';
import { testEventsPrefix } from './test-events-prefix';

/** The secret every test's services sign and verify tokens with, so tests can sign tokens too. */
export const TEST_JWT_SECRET = 'stream-tests-secret-0123456789abcdef';

/**
 * The one config every test starts a service with: the environment's PostgreSQL and
 * Redis (the cluster test project's cluster, unless the test brings a Redis of its own),
 * every port 0, quiet logs (TEST_LOG_LEVEL=debug to see them), the test secret, the
 * events prefix of the database in use, plus the test's overrides.
 */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MESSAGES_PORT: '0',
    STREAM_PORT: '0',
    WEB_PORT: '0',
    METRICS_PORT: undefined,
    JWT_SECRET: TEST_JWT_SECRET,
    REDIS_CLUSTER_NODES: 'REDIS_URL' in env ? undefined : process.env.REDIS_CLUSTER_NODES,
    EVENTS_PREFIX: testEventsPrefix(env.DATABASE_URL),
    // Tests stop servers with streams open; spreading the goodbyes over seconds would only slow them.
    STREAM_SHUTDOWN_SPREAD_MS: '0',
    ...env,
  });
}
