import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

// Re-exported: service tests import freePort from here.
export { freePort };

/**
 * A redis-server of the test's own, on a free port, for tests that stop, flush or
 * kill clients of Redis: doing that to the shared Redis would break test files
 * running in parallel.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** A fresh client to this server (closed by stop()). */
  client(): Redis;
  /** Stops the server (SIGKILL: like a crash; only what the append-only file already had is kept). */
  kill(): Promise<void>;
  /** Stops the server as an operator would (SIGTERM: it writes its append-only file out first). */
  shutdown(): Promise<void>;
  /** Starts it again on the same port (after kill or shutdown): empty, or from its append-only file. */
  start(): Promise<void>;
  /** kill, then start: empty, unless it keeps an append-only file. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Keep data in an append-only file (fsync every second) in a directory of its own. Defaults to false. */
  appendOnly?: boolean;
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const clients: Redis[] = [];
  const dir = options.appendOnly ? await mkdtemp(path.join(os.tmpdir(), 'messenger-redis-')) : undefined;
  let child: ChildProcess | undefined;

  async function launch() {
    const persistence = dir
      ? ['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir]
      : ['--appendonly', 'no'];
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    await waitForPing(port);
  }

  async function signal(name: NodeJS.Signals) {
    // A child killed by a signal keeps exitCode null (signalCode is set): it has exited too.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(name);
    await exited;
  }
  const kill = () => signal('SIGKILL');

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    client() {
      const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      clients.push(redis);
      return redis;
    },
    kill,
    shutdown: () => signal('SIGTERM'),
    start: launch,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      for (const redis of clients) redis.disconnect();
      await kill();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await pingOnce(port);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// A bare socket rather than an ioredis client: a client that never connected leaves
// a disconnect timer behind, which keeps jest's workers alive after the tests.
function pingOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy(new Error('timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (reply) => {
      socket.destroy();
      if (reply.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(reply.toString())}`));
    });
  });
}
