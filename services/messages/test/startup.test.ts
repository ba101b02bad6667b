import { spawn } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '#libs/config';
import { startMessagesApp } from '../../../test/support/messages/messages-app';
import {
  collectPages,
  createApiClient,
  loginUser,
  startConversation,
} from '../../../test/support/messages/messages-client';
import { freePort } from '../../../test/support/infra/private-redis';
import { start } from '../src/server';
import { testConfig } from '../../../test/support/product/test-config';

const root = path.resolve(__dirname, '../../..');
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars' };

/** Runs services/messages/src/main.ts as `npm run start:messages` does. */
function runMain(env: Record<string, string>) {
  // node --import tsx, not the tsx CLI: the CLI relays SIGTERM to a child process and
  // SIGKILLs it (exit 143) when the child does not confirm within 30 ms, as happens on a
  // loaded machine.
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/messages/src/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('development login switch', () => {
  test('When NODE_ENV=production, then POST /api/login is 404, and OPTIONS does not reveal it either', async () => {
    const app = await startMessagesApp(PRODUCTION);
    try {
      const response = await createApiClient(app.url).post('/api/login', { json: { username: 'someone' } });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
      expect((await createApiClient(app.url).request('OPTIONS', '/api/login')).status).toBe(404);
    } finally {
      await app.stop();
    }
  });

  test('When NODE_ENV=production and DEV_LOGIN=true, then the development login works', async () => {
    const app = await startMessagesApp({ ...PRODUCTION, DEV_LOGIN: 'true' });
    try {
      const response = await createApiClient(app.url).post('/api/login', { json: { username: `prod_${Date.now()}` } });
      expect(response.status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

describe('database pool', () => {
  test('When DATABASE_POOL_SIZE=1, then sends (on pg directly) and reads (through Prisma) share the one connection and all succeed', async () => {
    const app = await startMessagesApp({ DATABASE_POOL_SIZE: '1' });
    try {
      const api = createApiClient(app.url);
      const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
      const conversationId = await startConversation(api, alice, bob);
      const path = `/api/conversations/${conversationId}/messages`;
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 === 0
            ? api.post(path, { token: (i % 4 === 0 ? alice : bob).token, json: { content: `m${i}` } })
            : api.get(path, { token: alice.token }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map((_, i) => (i % 2 === 0 ? 201 : 200)));
      const listed = await collectPages(api, path, bob.token, 100);
      expect(listed).toHaveLength(6);
    } finally {
      await app.stop();
    }
  });
});

describe('configuration', () => {
  test.each(['abc', '70000', '-1', '3.5'])(
    'When MESSAGES_PORT=%s, then loading the config fails naming MESSAGES_PORT',
    (value) => {
      expect(() => loadConfig({ MESSAGES_PORT: value })).toThrow(ConfigError);
      expect(() => loadConfig({ MESSAGES_PORT: value })).toThrow(/MESSAGES_PORT/);
    },
  );

  test('When NODE_ENV=production without JWT_SECRET or with a short one, then loading the config fails naming JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig(PRODUCTION).auth).toMatchObject({ usingDevelopmentSecret: false, devLogin: false });
  });

  test('When EVENTS_CURSOR_TTL_SECONDS is shorter than EVENTS_LOG_TTL_SECONDS, then loading the config fails naming it', () => {
    expect(() => loadConfig({ EVENTS_LOG_TTL_SECONDS: '600', EVENTS_CURSOR_TTL_SECONDS: '60' })).toThrow(
      /EVENTS_CURSOR_TTL_SECONDS: must be at least EVENTS_LOG_TTL_SECONDS \(600\)/,
    );
    expect(loadConfig({}).events).toMatchObject({ logTtlSeconds: 86_400, cursorTtlSeconds: 2_592_000 });
  });

  test('When REDIS_CLUSTER_NODES is set, then it is parsed into seed nodes and credentials; unset, the service stays standalone', () => {
    expect(loadConfig({}).redisCluster).toBeNull();
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2:7001' }).redisCluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-2', port: 7001 },
      ],
      tls: false,
    });
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: 'rediss://app:s%40cret@a:7000,rediss://app:s%40cret@b:7000' }).redisCluster,
    ).toMatchObject({ username: 'app', password: 's@cret', tls: true });
  });

  test.each([
    ['a host without a port', 'redis-1', /REDIS_CLUSTER_NODES: entry 1 must name a port/],
    ['another scheme', 'http://a:7000', /REDIS_CLUSTER_NODES: entry 1 must be host:port or a redis:\/\/ URL/],
    ['a database number', 'redis://:hunter2@a:7000/2', /REDIS_CLUSTER_NODES: entry 1 must not name a database/],
    [
      'two sets of credentials',
      'redis://:hunter2@a:7000,redis://:hunter3@b:7000',
      /entries name different credentials/,
    ],
  ])(
    'When REDIS_CLUSTER_NODES has %s, then loading the config fails naming it, without the password',
    (_, value, message) => {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(message);
      try {
        loadConfig({ REDIS_CLUSTER_NODES: value });
      } catch (error) {
        expect((error as Error).message).not.toMatch(/hunter/);
      }
    },
  );

  test('When DATABASE_POOL_SIZE is not a whole number from 1 to 100, then loading the config fails naming it; unset, it is 10', () => {
    for (const value of ['0', '101', '2.5', 'many']) {
      expect(() => loadConfig({ DATABASE_POOL_SIZE: value })).toThrow(
        /Invalid configuration:\n {2}DATABASE_POOL_SIZE: /,
      );
    }
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '4' }).databasePoolSize).toBe(4);
  });

  test('When PRESENCE is not on or off, then loading the config fails naming it; unset, presence is on', () => {
    for (const value of ['yes', 'true', 'ON', '1']) {
      expect(() => loadConfig({ PRESENCE: value })).toThrow(/Invalid configuration:\n {2}PRESENCE: must be on or off/);
    }
    expect(loadConfig({}).presence).toBe(true);
    expect(loadConfig({ PRESENCE: 'off' }).presence).toBe(false);
  });

  test('When the service is started with a bad MESSAGES_PORT, then it exits 1 with a message naming it', async () => {
    const run = runMain({ MESSAGES_PORT: 'not-a-port' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toMatch(/Invalid configuration:[\s\S]*MESSAGES_PORT/);
  });

  test('When the service is started in production without JWT_SECRET, then it refuses to start', async () => {
    const run = runMain({ NODE_ENV: 'production', JWT_SECRET: '' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toMatch(/JWT_SECRET/);
  });

  test('When the service runs and gets SIGTERM, then it prints its URL, warns about the development secret and exits 0', async () => {
    const run = runMain({ MESSAGES_PORT: '0', JWT_SECRET: '', NODE_ENV: 'development' });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${JSON.stringify(run.output())}`)), 20_000);
      run.child.stdout.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(run.output().stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect((await createApiClient(url).get('/healthz')).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toMatch(/DEVELOPMENT secret/);
  });
});

describe('unreachable dependencies', () => {
  test('When Redis cannot be reached, then start fails at once naming the URL and how to start it', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(start(testConfig({ REDIS_URL: url }))).rejects.toThrow(
      new RegExp(`Cannot reach Redis at ${url}.*docker compose up -d postgres redis`),
    );
  });

  test('When REDIS_CLUSTER_NODES names a Redis without cluster support, then start fails saying it is not a cluster node', async () => {
    const standalone = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await expect(start(testConfig({ REDIS_CLUSTER_NODES: standalone.host }))).rejects.toThrow(
      `REDIS_CLUSTER_NODES: ${standalone.host} is not a Redis Cluster node`,
    );
  });

  test('When no node of REDIS_CLUSTER_NODES can be reached, then start fails at once naming the nodes', async () => {
    const nodes = `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}`;
    await expect(start(testConfig({ REDIS_CLUSTER_NODES: nodes }))).rejects.toThrow(
      `Cannot reach the Redis Cluster at ${nodes}`,
    );
  });

  test('When PostgreSQL cannot be reached, then start fails at once naming the URL and how to start it', async () => {
    const url = `postgresql://postgres@127.0.0.1:${await freePort()}/messenger`;
    await expect(start(testConfig({ DATABASE_URL: url }))).rejects.toThrow(
      /Cannot reach PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:\d+\/messenger[\s\S]*docker compose up -d postgres redis/,
    );
  });
});
