import { Redis, type RedisOptions } from 'ioredis';
import type { RedisClusterSettings } from '#libs/config';
import type { RedisClient } from './redis-client-factory';

export type ClusterState =
  | { kind: 'ok' }
  | { kind: 'not-ok'; state: string }
  | { kind: 'not-a-cluster'; node: string; reason: string }
  | { kind: 'unreachable'; reason: string };

const PROBE_TIMEOUT_MS = 2000;

/** The connection options every node of the cluster gets: its credentials and transport. */
export function clusterNodeOptions(settings: RedisClusterSettings): RedisOptions {
  return {
    ...(settings.username && { username: settings.username }),
    ...(settings.password && { password: settings.password }),
    ...(settings.tls && { tls: {} }),
  };
}

/** `host:port,...` of the seed nodes: never their credentials. */
export function describeClusterNodes(settings: RedisClusterSettings): string {
  return settings.nodes.map((node) => `${node.host}:${node.port}`).join(',');
}

/**
 * What the first seed node that answers says of the cluster (`CLUSTER INFO`), on a
 * connection of its own: before the cluster client starts, so that nodes without
 * cluster support get a clear message instead of a client retrying forever.
 */
export async function readClusterState(settings: RedisClusterSettings): Promise<ClusterState> {
  let lastError = 'no node answered';
  for (const node of settings.nodes) {
    const redis = new Redis(node.port, node.host, {
      ...clusterNodeOptions(settings),
      lazyConnect: true,
      connectTimeout: PROBE_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // Failures are the answer here, read below.
    redis.on('error', () => {});
    try {
      await redis.connect();
      const info = await redis.cluster('INFO');
      return stateOf(info);
    } catch (error) {
      const message = (error as Error).message;
      if (/cluster support disabled|unknown command/i.test(message)) {
        return { kind: 'not-a-cluster', node: `${node.host}:${node.port}`, reason: message };
      }
      lastError = message;
    } finally {
      redis.disconnect();
    }
  }
  return { kind: 'unreachable', reason: lastError };
}

function stateOf(clusterInfo: string): ClusterState {
  const state = /cluster_state:(\w+)/.exec(clusterInfo)?.[1] ?? 'unknown';
  return state === 'ok' ? { kind: 'ok' } : { kind: 'not-ok', state };
}

/**
 * True when Redis can serve every user: a standalone Redis answers PING; a cluster's
 * node says `cluster_state:ok`, which Redis reports only while every slot is served
 * (cluster-require-full-coverage), and any user's keys may be in any slot.
 */
export async function isRedisServing(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = redis.isCluster ? redis.cluster('INFO').then(stateOf) : redis.ping();
    const reply = await Promise.race([
      answer,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
    return reply === 'PONG' || (typeof reply === 'object' && reply.kind === 'ok');
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
