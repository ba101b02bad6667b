import type { Config } from 'jest';

// Service-level tests start the real apps against the PostgreSQL and Redis at
// DATABASE_URL and REDIS_URL. Test files isolate themselves by creating their own
// users, so they run in parallel; tests that stop or flush Redis start a private
// redis-server instead of touching the shared one.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // openid-client and its dependencies ship as ES modules only: compiled like our own
  // code, as jest loads everything as CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
