import type { ChildProcess } from 'node:child_process';
import { startBenchRedis } from '../harness/bench-redis';
import { spawnTsNode } from '../harness/child-processes';
import { startClientPool, type ClientPool, type ConnectResult } from '../harness/client-pool';
import { freePort, waitForHealthy } from '../harness/free-port';
import { createTokenSigner } from '../scenarios/token-signer';

/** The server a diagnosis tool probes: the product's stream service or the raw baseline. */
export type ProbedSystem = 'product' | 'raw';

const SECRET = 'x'.repeat(40);

/** Starts a private Redis and one server on it, and waits until the server is healthy. */
export async function startProbeServer(which: ProbedSystem, nodeFlags: string[]) {
  const redis = await startBenchRedis();
  const port = await freePort();
  const script = which === 'raw' ? 'bench/baseline/raw-sse-server.ts' : 'services/stream/src/main.ts';
  const server: ChildProcess = spawnTsNode(script, [], {
    name: which,
    nodeFlags,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      STREAM_PORT: String(port),
      PORT: String(port),
      REDIS_URL: redis.url,
      JWT_SECRET: SECRET,
      EVENTS_PREFIX: 'bench',
      STREAM_SHUTDOWN_SPREAD_MS: '0',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`);
  return { redis, server, url };
}

/** The streams of `count` tabs, two per user, each with the credentials its server wants. */
export function probeStreamSpecs(which: ProbedSystem, count: number) {
  const sign = createTokenSigner(SECRET);
  return Array.from({ length: count }, (_, i) => {
    const userId = String(Math.floor(i / 2) + 1);
    return which === 'raw'
      ? { userIndex: 0, path: `/events?user=${userId}` }
      : { userIndex: 0, path: '/api/messages', token: sign(userId) };
  });
}

/** Opens `specs` from a pool of two client workers. */
export async function openProbeStreams(
  label: string,
  url: string,
  specs: ReturnType<typeof probeStreamSpecs>,
): Promise<{ pool: ClientPool; result: ConnectResult }> {
  const pool = await startClientPool(2);
  const result = await pool.connect(label, 'sse', url, specs, 50);
  return { pool, result };
}
