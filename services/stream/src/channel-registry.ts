import { TYPING_MAX_AGE_MS } from '#libs/contract';
import { type EphemeralEnvelope, type EventChannels, decodeChannelMessage } from '#libs/events';
import type { Logger } from '#libs/logger';
import type { ChannelSubscriber } from '#libs/redis';
import type { SseConnection } from './sse-connection';
import { toEphemeralFrame, toFanOutEvent } from './sse-frames';

interface ChannelEntry {
  userId: string;
  connections: Set<SseConnection>;
  /** Settles when Redis has confirmed this process's subscription to the user's channel. */
  subscribed: Promise<void>;
}

/**
 * The local connections of each user, and the reference-counted subscription of the
 * one shared subscriber to that user's channel.
 */
export interface ChannelRegistry {
  /** Adds a connection, subscribing its user's channel if it is the user's first here. */
  join(connection: SseConnection): void;
  /** Removes a connection, unsubscribing its user's channel if it was the user's last here. */
  leave(connection: SseConnection): void;
  /** The subscription a connection's catch-up must wait for (it changes after a reconnect). */
  subscription(connection: SseConnection): Promise<void>;
  /**
   * The subscriber's 'message' listener: delivers a payload to every local tab of its
   * user. A function property, as it is passed on unbound.
   */
  dispatch: (channel: string, payload: string) => void;
  /**
   * After subscriptions were lost (the subscriber reconnected, or a shard failed over):
   * subscribes the lost channels still in use again (every one for `all`) and returns
   * their connections, to be caught up.
   */
  resubscribe(lost: readonly string[] | 'all'): SseConnection[];
  forEachConnection(visit: (connection: SseConnection) => void): void;
  allConnections(): SseConnection[];
  stats(): { connections: number; users: number };
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
 * (On a cluster a channel's commands all go to the connection of its slot's master.)
 */
export function createChannelRegistry(
  subscriber: ChannelSubscriber,
  channels: EventChannels,
  logger: Logger,
): ChannelRegistry {
  const entries = new Map<string, ChannelEntry>();
  let connectionCount = 0;
  let dropped = 0;
  let lastDropLog = 0;

  function subscribe(channel: string): Promise<void> {
    const subscribed = subscriber.subscribe([channel]);
    // Awaited by the connections' catch-up; this only keeps an unawaited failure quiet.
    subscribed.catch(() => {});
    return subscribed;
  }

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
    const envelope = decodeChannelMessage(payload);
    if (!envelope) return reportDropped(channel, payload.length);
    if (!('cursor' in envelope)) return dispatchEphemeral(entry, envelope);
    const event = toFanOutEvent(envelope);
    for (const connection of entry.connections) connection.deliver(event);
  }

  /** Typing and presence: to the user's live tabs now, or to nobody. */
  function dispatchEphemeral(entry: ChannelEntry, envelope: EphemeralEnvelope): void {
    // "… is typing" shown seconds late would be wrong (the message may be sent by then).
    if (envelope.type === 'typing' && Date.now() - envelope.ts > TYPING_MAX_AGE_MS) return;
    const event = toEphemeralFrame(envelope);
    for (const connection of entry.connections) connection.deliverEphemeral(event);
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

  /**
   * After subscriptions were lost (the subscriber reconnected, or a shard failed over):
   * subscribes again the given channels (all of them for `all`) that are still in use,
   * and returns their connections, to be caught up.
   */
  function resubscribe(lost: readonly string[] | 'all'): SseConnection[] {
    const names = lost === 'all' ? [...entries.keys()] : lost.filter((name) => entries.has(name));
    const affected: SseConnection[] = [];
    for (let i = 0; i < names.length; i += RESUBSCRIBE_BATCH) {
      const batch = names.slice(i, i + RESUBSCRIBE_BATCH);
      const subscribed = subscriber.subscribe(batch);
      subscribed.catch(() => {});
      for (const name of batch) {
        const entry = entries.get(name)!;
        entry.subscribed = subscribed;
        affected.push(...entry.connections);
      }
    }
    return affected;
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

  return { join, leave, subscription, dispatch, resubscribe, forEachConnection, allConnections, stats };
}
