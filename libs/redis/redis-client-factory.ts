import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { withTimeout } from '#libs/async';
import { redactUrl, type Config, type RedisClusterSettings } from '#libs/config';
import type { Logger } from '#libs/logger';
import { clusterNodeOptions, describeClusterNodes, readClusterState } from './cluster-state';

/** Where Redis is: REDIS_URL, or a cluster when REDIS_CLUSTER_NODES is set. */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisCluster'>;

/** A standalone connection or a cluster client: the commands the product uses work on both. */
export type RedisClient = Redis | Cluster;

const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);

/**
 * A Redis client (not yet connected: see connectRedis) that logs its errors instead of
 * crashing the process on an unhandled 'error' event, and keeps retrying with a capped
 * backoff. In cluster mode an ioredis `Cluster`, which follows MOVED and ASK redirects
 * and a failover by itself. Callers own it and close it with `quit()`.
 */
export function createRedisClient(target: RedisTarget, logger: Logger, options: RedisOptions = {}): RedisClient {
  const redis = target.redisCluster
    ? createClusterClient(target.redisCluster, options)
    : new Redis(target.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy, ...options });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // A down Redis errors on every retry; log each distinct failure once.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: error.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    lastError = '';
  });
  return redis;
}

function createClusterClient(settings: RedisClusterSettings, options: RedisOptions): Cluster {
  const { enableOfflineQueue, ...nodeOptions } = options;
  return new Cluster(settings.nodes, {
    lazyConnect: true,
    clusterRetryStrategy: retryStrategy,
    // false: a command fails at once while the cluster client is reconnecting, as the standalone option would.
    enableOfflineQueue: enableOfflineQueue ?? true,
    redisOptions: { ...clusterNodeOptions(settings), maxRetriesPerRequest: 2, ...nodeOptions },
  });
}

const CONNECT_TIMEOUT_MS = 3000;

/**
 * Connects now and fails fast with a clear error instead of queueing commands. A
 * cluster must be one, in state ok: nodes without cluster support, or a cluster with
 * slots unserved, stop startup with a message saying so.
 */
export async function connectRedis(redis: RedisClient, target: RedisTarget): Promise<void> {
  const where = target.redisCluster
    ? `the Redis Cluster at ${describeClusterNodes(target.redisCluster)}`
    : `Redis at ${redactUrl(target.redisUrl)}`;
  if (target.redisCluster) {
    const state = await readClusterState(target.redisCluster);
    if (state.kind === 'unreachable') throw cannotReach(where, state.reason);
    if (state.kind === 'not-a-cluster')
      throw new Error(`REDIS_CLUSTER_NODES: ${state.node} is not a Redis Cluster node (${state.reason})`);
    if (state.kind === 'not-ok') throw new Error(`${where} is not ready: cluster_state is ${state.state}`);
  }
  try {
    await redis.connect();
  } catch {
    // connect() resolves once even while retrying, so probe explicitly below.
  }
  try {
    await withTimeout(redis.ping(), CONNECT_TIMEOUT_MS);
  } catch (error) {
    throw cannotReach(where, (error as Error).message, error);
  }
}

function cannotReach(where: string, reason: string, cause?: unknown): Error {
  return new Error(`Cannot reach ${where} (${reason}). Start one with: docker compose up -d postgres redis`, { cause });
}
