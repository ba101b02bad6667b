import type { Config } from 'jest';

// Service-level tests start the real apps against the PostgreSQL and Redis at
// DATABASE_URL and REDIS_URL. Test files isolate themselves by creating their own
// users, so they run in parallel; tests that stop or flush Redis start a private
// redis-server instead of touching the shared one.
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // openid-client and its dependencies ship as ES modules only: compiled like our own
  // code, as jest loads everything as CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
} satisfies Config;

// The suites where Redis decides the outcome (publishing, subscribing, resuming), run a
// second time against a local Redis Cluster (test/cluster/): the rest would only repeat
// PostgreSQL and HTTP checks, and the suites that stop or restart a standalone Redis
// have cluster counterparts of their own (test/cluster/: failover, health).
const CLUSTER_SUITES = [
  'libs/events/cluster-publish.test.ts',
  'services/messages/test/events.test.ts',
  'services/messages/test/event-sequence.test.ts',
  'services/messages/test/typing.test.ts',
  'services/messages/test/presence.test.ts',
  'services/messages/test/presence-off.test.ts',
  'services/stream/test/stream-fan-out.test.ts',
  'services/stream/test/stream-resume.test.ts',
  'services/stream/test/stream-end-to-end.test.ts',
  'services/stream/test/stream-ready.test.ts',
  'services/stream/test/stream-malformed-payload.test.ts',
  'test/cluster/*.test.ts',
];

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'standalone',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '/test/cluster/', 'cluster-publish'],
    },
    {
      ...shared,
      displayName: 'cluster',
      testMatch: CLUSTER_SUITES.map((suite) => `<rootDir>/${suite}`),
      globalSetup: '<rootDir>/test/cluster/global-setup.ts',
      globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
      setupFiles: ['<rootDir>/test/cluster/use-cluster.ts'],
    },
  ],
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
