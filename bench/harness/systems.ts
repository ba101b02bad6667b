import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PublisherMode } from '../workers/publisher-worker';
import { REPO_ROOT, spawnTsNode, stopChild } from './child-processes';
import type { ClientKind, ConnectionSpec } from './client-pool';
import { freePort, waitForHealthy } from './free-port';

/**
 * The systems compared in the same run, each started as its own process against the
 * bench's Redis: the product on a standalone Redis and on a Redis Cluster, the raw
 * baseline and the Socket.IO peer.
 */
export type SystemId = 'product' | 'cluster' | 'raw' | 'socketio';
export const SYSTEM_IDS: SystemId[] = ['product', 'cluster', 'raw', 'socketio'];

export interface BenchEnvironment {
  redisUrl: string;
  /** The bench's three-master cluster (REDIS_CLUSTER_NODES), when the cluster system runs. */
  redisClusterNodes?: string;
  jwtSecret: string;
  prefix: string;
  /** Directory for `node --cpu-prof` output of the product's stream service, if profiling. */
  cpuProfileDir?: string;
  /** More environment for the product's stream service (PRESENCE, STREAM_HEARTBEAT_MS), for one scenario. */
  streamEnv?: Record<string, string>;
}

export interface RunningServer {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface SystemUnderTest {
  id: SystemId;
  label: string;
  clientKind: ClientKind;
  publisherMode: PublisherMode;
  /** Whether clients need a signed token. */
  needsToken: boolean;
  /** Runs on the bench's Redis Cluster rather than its standalone Redis. */
  onCluster?: boolean;
  start(env: BenchEnvironment): Promise<RunningServer>;
  spec(userIndex: number, userId: string, token: string | undefined): ConnectionSpec;
}

export const PRODUCT_STREAM_ENTRY = 'services/stream/src/main.ts';

export function productAvailable(): boolean {
  return existsSync(path.join(REPO_ROOT, PRODUCT_STREAM_ENTRY));
}

async function startServer(
  script: string,
  name: string,
  env: Record<string, string>,
  port: number,
  nodeFlags: string[] = [],
) {
  const child = spawnTsNode(script, [], { name, env: { LOG_LEVEL: 'warn', ...env }, nodeFlags, showOutput: true });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 30_000, () => child.exitCode === null && child.signalCode === null);
  return { url, pid: child.pid!, child, stop: () => stopChild(child, 10_000) };
}

/** The product's stream service, on the standalone Redis or on the cluster. */
function productSystem(onCluster: boolean): SystemUnderTest {
  return {
    id: onCluster ? 'cluster' : 'product',
    label: onCluster ? 'product on a 3-master Redis Cluster' : 'product (stream service)',
    clientKind: 'sse',
    publisherMode: 'product',
    needsToken: true,
    onCluster,
    async start(env) {
      if (onCluster && !env.redisClusterNodes) throw new Error('the bench cluster is not running');
      const port = await freePort();
      const profileDir = env.cpuProfileDir && path.join(env.cpuProfileDir, onCluster ? 'stream-cluster' : 'stream');
      const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      return startServer(
        PRODUCT_STREAM_ENTRY,
        onCluster ? 'stream service (cluster)' : 'stream service',
        {
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          STREAM_PORT: String(port),
          REDIS_URL: env.redisUrl,
          ...(onCluster && { REDIS_CLUSTER_NODES: env.redisClusterNodes! }),
          JWT_SECRET: env.jwtSecret,
          EVENTS_PREFIX: env.prefix,
          // Only shortens the bench's teardown (no clients are left by then).
          STREAM_SHUTDOWN_SPREAD_MS: '0',
          ...env.streamEnv,
        },
        port,
        flags,
      );
    },
    spec: (userIndex, _userId, token) => ({ userIndex, path: '/api/messages', token }),
  };
}

export const SYSTEMS: Record<SystemId, SystemUnderTest> = {
  product: productSystem(false),
  cluster: productSystem(true),
  raw: {
    id: 'raw',
    label: 'raw baseline (node:http + ioredis)',
    clientKind: 'sse',
    publisherMode: 'raw',
    needsToken: false,
    async start(env) {
      const port = await freePort();
      return startServer(
        'bench/baseline/raw-sse-server.ts',
        'raw baseline',
        { PORT: String(port), REDIS_URL: env.redisUrl, EVENTS_PREFIX: env.prefix },
        port,
      );
    },
    spec: (userIndex, userId) => ({ userIndex, path: `/events?user=${userId}` }),
  },
  socketio: {
    id: 'socketio',
    label: 'Socket.IO 4 + redis-adapter',
    clientKind: 'socketio',
    publisherMode: 'socketio',
    needsToken: true,
    async start(env) {
      const port = await freePort();
      return startServer(
        'bench/peer/socketio-server.ts',
        'socket.io peer',
        { PORT: String(port), REDIS_URL: env.redisUrl, JWT_SECRET: env.jwtSecret },
        port,
      );
    },
    spec: (userIndex, _userId, token) => ({ userIndex, token }),
  },
};
