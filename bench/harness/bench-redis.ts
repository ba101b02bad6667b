import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { spawnCommand } from './child-processes';
import { freePort } from './free-port';

/**
 * The bench's own redis-server on a free port, nothing kept on disk, so the
 * product's tests running against the shared Redis neither disturb the figures nor
 * get disturbed. Every system under test uses it with the same settings: Redis's
 * default `client-output-buffer-limit pubsub 32mb 8mb 60` (unchanged for all three).
 */
export interface BenchRedis {
  url: string;
  pid: number;
  client(): Redis;
  flush(): Promise<void>;
  version(): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child: ChildProcess = spawnCommand(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxclients', '10000'],
    'redis-server',
  );
  const admin = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 100 ? null : 50) });
  admin.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`bench redis-server did not start: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const clients: Redis[] = [admin];
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    client() {
      const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      clients.push(redis);
      return redis;
    },
    async flush() {
      await admin.flushall();
    },
    async version() {
      const info = await admin.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    },
    async stop() {
      for (const redis of clients) redis.disconnect();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
