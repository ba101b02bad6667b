import type { EventEmitter } from 'node:events';

/**
 * The process's one subscriber to the users' channels, whatever the Redis: a single
 * connection to a standalone Redis (standalone-subscriber.ts), or one connection per
 * shard of a cluster (sharded-subscriber.ts). It subscribes and reports; what to
 * subscribe, and what to do about a lost subscription, is the caller's.
 *
 * Events:
 *  - `message` (channel, payload): a live message;
 *  - `lost` (channels | 'all'): Redis dropped these subscriptions (a reconnect, a
 *    failover, a slot moved to another shard). Messages published meanwhile did not
 *    arrive: the caller subscribes the channels it still needs again, and catches
 *    their readers up from the log.
 */
export interface ChannelSubscriber extends EventEmitter<SubscriberEvents> {
  /**
   * Subscribes; resolves once Redis confirmed every channel. While Redis is away (or a
   * shard's slots have no master yet) it waits and tries again rather than failing.
   */
  subscribe(channels: readonly string[]): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** True while every subscription can receive: connected, and nothing waiting to be placed. */
  isReady(): boolean;
  /** Connects (a cluster's shards connect as channels need them); fails fast with a clear error. */
  connect(): Promise<void>;
  /** Closes its connections. */
  close(): Promise<void>;
}

export interface SubscriberEvents {
  message: [channel: string, payload: string];
  lost: [channels: readonly string[] | 'all'];
}
