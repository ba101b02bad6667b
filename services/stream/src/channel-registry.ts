import type { Redis } from 'ioredis';
import { type EventChannels, decodeEnvelope } from '#libs/events';
import type { Logger } from '#libs/logger';
import type { SseConnection } from './sse-connection';
import { toFanOutEvent } from './sse-frames';

interface ChannelEntry {
  userId: string;
  connections: Set<SseConnection>;
  /** Settles when Redis has confirmed this process's subscription to the user's channel. */
  subscribed: Promise<void>;
}

const RESUBSCRIBE_BATCH = 1000;
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * The local connections of each user, and the reference-counted subscription of the
 * one shared subscriber to that user's channel: the first tab subscribes, the last
 * one to leave unsubscribes and the entry is gone.
 *
 * ioredis sends commands on a connection in order, so SUBSCRIBE, UNSUBSCRIBE,
 * SUBSCRIBE of a tab that closes and comes back reach Redis in that order; each new
 * entry awaits its own SUBSCRIBE, which Redis answers after the UNSUBSCRIBE before it.
 */
export function createChannelRegistry(subscriber: Redis, channels: EventChannels, logger: Logger) {
  const entries = new Map<string, ChannelEntry>();
  let connectionCount = 0;
  let dropped = 0;
  let lastDropLog = 0;

  function subscribe(channel: string): Promise<void> {
    const subscribed = subscriber.subscribe(channel).then(() => undefined);
    // Awaited by the connections' catch-up; this only keeps an unawaited failure quiet.
    subscribed.catch(() => {});
    return subscribed;
  }

  /** Adds a connection, subscribing its user's channel if it is the user's first here. */
  function join(connection: SseConnection): void {
    const channel = channels.userChannel(connection.userId);
    let entry = entries.get(channel);
    if (!entry) {
      entry = { userId: connection.userId, connections: new Set(), subscribed: subscribe(channel) };
      entries.set(channel, entry);
    }
    entry.connections.add(connection);
    connectionCount += 1;
  }

  /** The subscription a connection's catch-up must wait for (it changes after a reconnect). */
  function subscription(connection: SseConnection): Promise<void> {
    const entry = entries.get(channels.userChannel(connection.userId));
    return entry ? entry.subscribed : Promise.reject(new Error('connection is not registered'));
  }

  function leave(connection: SseConnection): void {
    const channel = channels.userChannel(connection.userId);
    const entry = entries.get(channel);
    if (!entry || !entry.connections.delete(connection)) return;
    connectionCount -= 1;
    if (entry.connections.size > 0) return;
    entries.delete(channel);
    subscriber.unsubscribe(channel).catch((error: Error) => {
      // The connection dropped: after it comes back only the channels still in use are subscribed again.
      logger.debug({ err: error.message }, 'unsubscribe failed');
    });
  }

  /**
   * The subscriber's 'message' listener, and the hot path: decode and format once,
   * write the same bytes to every local tab of the user.
   */
  function dispatch(channel: string, payload: string): void {
    const entry = entries.get(channel);
    // A message in flight when the last tab left: nobody here wants it.
    if (!entry) return;
    const envelope = decodeEnvelope(payload);
    if (!envelope) return reportDropped(channel, payload.length);
    const event = toFanOutEvent(envelope);
    for (const connection of entry.connections) connection.deliver(event);
  }

  function reportDropped(channel: string, bytes: number): void {
    dropped += 1;
    const now = Date.now();
    if (now - lastDropLog < DROP_LOG_INTERVAL_MS) return;
    lastDropLog = now;
    // The payload itself is not logged: it can hold message text.
    logger.warn({ channel, bytes, droppedSinceLastReport: dropped }, 'dropped malformed event payload');
    dropped = 0;
  }

  /** After the subscriber reconnected: subscribes every channel in use again. */
  function resubscribeAll(): void {
    const names = [...entries.keys()];
    for (let i = 0; i < names.length; i += RESUBSCRIBE_BATCH) {
      const batch = names.slice(i, i + RESUBSCRIBE_BATCH);
      const subscribed = subscriber.subscribe(...batch).then(() => undefined);
      subscribed.catch(() => {});
      for (const name of batch) entries.get(name)!.subscribed = subscribed;
    }
  }

  function forEachConnection(visit: (connection: SseConnection) => void): void {
    for (const entry of entries.values()) {
      for (const connection of entry.connections) visit(connection);
    }
  }

  function allConnections(): SseConnection[] {
    const all: SseConnection[] = [];
    forEachConnection((connection) => all.push(connection));
    return all;
  }

  function stats() {
    return { connections: connectionCount, users: entries.size };
  }

  return { join, leave, subscription, dispatch, resubscribeAll, forEachConnection, allConnections, stats };
}

export type ChannelRegistry = ReturnType<typeof createChannelRegistry>;
