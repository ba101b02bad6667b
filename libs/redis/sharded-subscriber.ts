import { EventEmitter } from 'node:events';
import { Redis, type Cluster } from 'ioredis';
import type { RedisClusterSettings } from '#libs/config';
import type { Logger } from '#libs/logger';
import type { ChannelSubscriber, SubscriberEvents } from './channel-subscriber';
import { clusterNodeOptions } from './cluster-state';
import { keySlot } from './key-slot';

/** One connection to one master, and the channels subscribed on it. */
interface Shard {
  node: string;
  redis: Redis;
  channels: Set<string>;
  gone: boolean;
}

const MAX_BACKOFF_MS = 1000;

/**
 * The subscriber on a Redis Cluster: sharded pub/sub (SSUBSCRIBE), one connection per
 * master that serves a subscribed channel's slot, whatever the number of channels.
 *
 * Its own connections rather than ioredis's `shardedSubscribers`, so that every way a
 * subscription can end is seen here and reported as `lost`, never silently:
 *  - a shard's connection closes (its master was killed or restarted, a network cut):
 *    the connection is dropped, not reconnected (after a failover that node is no master);
 *    all its channels are lost;
 *  - `moved` on a shard's connection: ioredis emits it for an unsolicited SUNSUBSCRIBE
 *    (the node gave the slot away) and for a MOVED answer to SSUBSCRIBE; it does not say
 *    which channel, and it may take the unsolicited push for the answer to one of our
 *    own SUNSUBSCRIBEs, so all the shard's channels count as lost and are subscribed
 *    again, where they belong now.
 * A subscribe goes to the master of the channel's slot in the cluster client's slot
 * map; when that fails (MOVED, the node is down, no master yet during a failover) the
 * map is refreshed and the subscribe tried again, with a backoff, until it holds.
 *
 * `cluster` is the service's command client, for its slot map only.
 */
export function createShardedSubscriber(
  cluster: Cluster,
  settings: RedisClusterSettings,
  logger: Logger,
): ChannelSubscriber {
  const emitter = new EventEmitter<SubscriberEvents>();
  const shards = new Map<string, Shard>();
  /** The shard each subscribed channel is on. */
  const placement = new Map<string, Shard>();
  /** Channels asked for and not unsubscribed since; a subscribe that lands after its unsubscribe is undone. */
  const wanted = new Set<string>();
  /** Subscribes that failed at least once and are still trying: their channels receive nothing yet. */
  let stranded = 0;
  let closed = false;

  function shardOf(node: string): Shard {
    const existing = shards.get(node);
    if (existing) return existing;
    const [host, port] = splitNode(node);
    const redis = new Redis(port, host, {
      ...clusterNodeOptions(settings),
      autoResubscribe: false,
      // A shard connection is never reconnected: after a failover its node may be a
      // replica; the channels are placed again from a fresh slot map instead.
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    const shard: Shard = { node, redis, channels: new Set(), gone: false };
    redis.on('smessage', (channel: string, payload: string) => emitter.emit('message', channel, payload));
    redis.on('error', (error: Error) => logger.debug({ err: error.message, node }, 'shard subscriber error'));
    redis.on('close', () => drop(shard, 'connection closed'));
    redis.on('moved', () => queueMicrotask(() => releaseAll(shard, 'slot moved')));
    shards.set(node, shard);
    return shard;
  }

  /** The shard's connection is done for: every channel on it is lost. */
  function drop(shard: Shard, reason: string): void {
    if (shard.gone) return;
    shard.gone = true;
    if (shards.get(shard.node) === shard) shards.delete(shard.node);
    shard.redis.disconnect();
    releaseAll(shard, reason);
  }

  function releaseAll(shard: Shard, reason: string): void {
    const lost = [...shard.channels].filter((channel) => placement.get(channel) === shard && wanted.has(channel));
    for (const channel of shard.channels) if (placement.get(channel) === shard) placement.delete(channel);
    shard.channels.clear();
    if (closed || lost.length === 0) return;
    logger.warn({ node: shard.node, channels: lost.length, reason }, 'shard subscriptions lost; subscribing again');
    cluster.refreshSlotsCache();
    emitter.emit('lost', lost);
  }

  /** Subscribes channels of one slot (SSUBSCRIBE takes one slot's channels only), retrying until it holds. */
  async function subscribeSlot(slot: number, channels: readonly string[]): Promise<void> {
    let attempt = 0;
    try {
      for (; !closed; attempt++) {
        const node = cluster.slots[slot]?.[0];
        if (node) {
          const shard = shardOf(node);
          try {
            await shard.redis.ssubscribe(...channels);
            if (!shard.gone) {
              place(shard, channels);
              return;
            }
          } catch (error) {
            logger.debug({ err: (error as Error).message, node, slot }, 'ssubscribe failed; trying again');
          }
        }
        if (attempt === 0) stranded += 1;
        await refreshSlots();
        await delay(Math.min(50 * 2 ** attempt, MAX_BACKOFF_MS));
      }
    } finally {
      if (attempt > 0) stranded -= 1;
    }
  }

  function place(shard: Shard, channels: readonly string[]): void {
    for (const channel of channels) {
      if (!wanted.has(channel)) {
        // Unsubscribed while the subscribe was on its way.
        shard.redis.sunsubscribe(channel).catch(() => {});
        continue;
      }
      placement.set(channel, shard);
      shard.channels.add(channel);
    }
  }

  function refreshSlots(): Promise<void> {
    return new Promise((resolve) => cluster.refreshSlotsCache(() => resolve()));
  }

  async function subscribe(channels: readonly string[]): Promise<void> {
    const bySlot = new Map<number, string[]>();
    for (const channel of channels) {
      wanted.add(channel);
      const slot = keySlot(channel);
      const group = bySlot.get(slot);
      if (group) group.push(channel);
      else bySlot.set(slot, [channel]);
    }
    await Promise.all([...bySlot].map(([slot, group]) => subscribeSlot(slot, group)));
  }

  async function unsubscribe(channel: string): Promise<void> {
    wanted.delete(channel);
    const shard = placement.get(channel);
    if (!shard) return;
    placement.delete(channel);
    shard.channels.delete(channel);
    await shard.redis.sunsubscribe(channel);
  }

  return Object.assign(emitter, {
    subscribe,
    unsubscribe,
    isReady: () =>
      !closed && stranded === 0 && [...shards.values()].every((shard) => !shard.gone && shard.redis.status === 'ready'),
    // Shards connect when a channel needs them; the cluster client was checked at its own connect.
    connect: async () => {},
    async close() {
      closed = true;
      await Promise.allSettled(
        [...shards.values()].map((shard) => {
          shard.gone = true;
          return shard.redis.quit().catch(() => shard.redis.disconnect());
        }),
      );
      shards.clear();
      placement.clear();
    },
  });
}

function splitNode(node: string): [string, number] {
  const colon = node.lastIndexOf(':');
  return [node.slice(0, colon), Number(node.slice(colon + 1))];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
