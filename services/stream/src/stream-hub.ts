import type { ServerResponse } from 'node:http';
import type { EventChannels, EventLogReader, PresenceStore } from '#libs/events';
import type { Logger } from '#libs/logger';
import type { ChannelSubscriber } from '#libs/redis';
import { catchUp } from './catch-up';
import { createChannelRegistry } from './channel-registry';
import { createExpiryWheel } from './expiry-wheel';
import { createHeartbeatWheel } from './heartbeat-wheel';
import { createPresenceTracker, type PresenceTracker } from './presence-tracker';
import { SseConnection, type SseConnectionSettings } from './sse-connection';
import { PING_FRAME, REAUTH_FRAME, reconnectFrame } from './sse-frames';
import type { StreamLimits } from './stream-limits';
import type { StreamTallies } from './stream-metrics';

export interface StreamHubSettings {
  heartbeatMs: number;
  retryMs: number;
  maxBufferedBytes: number;
}

export interface OpenStreamRequest {
  userId: string;
  /** When the token expires: the stream ends then, with a `reauth` frame. */
  expiresAt: Date;
  /** Last-Event-ID, unchecked; undefined for a fresh start. */
  resumeFrom: string | undefined;
}

/** Counters for tests and diagnostics; all zero when nothing is open. */
export interface StreamHubStats {
  connections: number;
  users: number;
  expiryBuckets: number;
  heartbeats: number;
  subscriberListeners: number;
  /** Users whose presence this instance keeps (0 with PRESENCE=off). */
  presenceUsers: number;
}

/**
 * Everything between the shared Redis subscriber and the open streams of this
 * process: registration, catch-up, one process-wide heartbeat, token expiry,
 * recovery after the subscriber reconnects, and the spread-out goodbye on shutdown.
 */
export interface StreamHub {
  /**
   * Opens a stream. A fresh one (no cursor) first reads its user's newest cursor (or
   * has a head started for a user without one: event-log-reader.ts) and only then sends
   * its headers: every event published after the client sees `open` is then after that
   * cursor and is delivered, even one published before this process's SUBSCRIBE
   * completed, so a client may fetch its state over REST as soon as the stream is open
   * without a gap. Rejects (nothing written) when Redis cannot be read, or with the
   * AppError to answer when a connection limit refuses it (stream-limits.ts); resolves
   * with undefined when the client left meanwhile.
   */
  open(res: ServerResponse, request: OpenStreamRequest): Promise<SseConnection | undefined>;
  /**
   * Sends every open stream a `reconnect` frame with a jittered retry and ends it and
   * its connection, spread over `spreadMs` so the clients do not all come back at once
   * (and come back on a new connection, so to another instance).
   */
  shutdown(spreadMs: number): Promise<void>;
  /** A function property, as the server hands it on unbound. */
  stats: () => StreamHubStats;
}

export function createStreamHub(options: {
  subscriber: ChannelSubscriber;
  reader: EventLogReader;
  channels: EventChannels;
  logger: Logger;
  settings: StreamHubSettings;
  limits: StreamLimits;
  tallies: StreamTallies;
  /** Where presence is kept; undefined with PRESENCE=off (nothing written). */
  presence?: PresenceStore;
}): StreamHub {
  const { subscriber, reader, channels, logger, settings, limits, tallies } = options;
  const registry = createChannelRegistry(subscriber, channels, logger);
  let shuttingDown = false;

  const onMessage = registry.dispatch;
  subscriber.on('message', onMessage);
  subscriber.on('lost', recover);

  // Process-wide intervals rather than a timer per stream, for heartbeats and for expiry.
  // Each heartbeat tick also refreshes the presence of the users dealt into its slot.
  const heartbeat = createHeartbeatWheel<SseConnection>(
    settings.heartbeatMs,
    (c) => c.write(PING_FRAME),
    undefined,
    options.presence ? (slot) => presence?.refresh(slot) : undefined,
  );
  const presence: PresenceTracker | undefined =
    options.presence &&
    createPresenceTracker({
      store: options.presence,
      logger,
      heartbeatMs: settings.heartbeatMs,
      slots: heartbeat.slots,
    });
  const expiry = createExpiryWheel<SseConnection>((connection) => connection.end(REAUTH_FRAME, 'token_expired'));
  const connectionSettings: SseConnectionSettings = {
    retryMs: settings.retryMs,
    maxBufferedBytes: settings.maxBufferedBytes,
    onGap: catchUpFromLog,
    tallies,
  };

  async function open(res: ServerResponse, request: OpenStreamRequest): Promise<SseConnection | undefined> {
    const refusal = limits.admit(request.userId);
    if (refusal) throw refusal;
    let connection;
    try {
      connection = await openAdmitted(res, request);
    } finally {
      if (!connection) limits.release(request.userId);
    }
    return connection;
  }

  async function openAdmitted(res: ServerResponse, request: OpenStreamRequest): Promise<SseConnection | undefined> {
    const resumeFrom = request.resumeFrom ?? (await reader.latest(request.userId));
    // Shutdown began meanwhile: it would not say goodbye to this stream, so refuse it (503).
    if (shuttingDown) throw new Error('shutting down');
    if (res.destroyed || !res.socket || res.socket.destroyed) return undefined;
    const connection = new SseConnection(res, request.userId, resumeFrom, connectionSettings);
    connection.open();
    tallies.opened += 1;
    // Registered (so live events are buffered for it) and subscribed before its history is read.
    registry.join(connection);
    presence?.joined(connection.userId);
    const expiryKey = expiry.add(connection, request.expiresAt.getTime());
    const heartbeatSlot = heartbeat.add(connection);
    // Registered last: it runs at once if the connection already closed.
    connection.onClose(() => {
      expiry.remove(connection, expiryKey);
      heartbeat.remove(connection, heartbeatSlot);
      registry.leave(connection);
      presence?.left(connection.userId);
      limits.release(connection.userId);
      recordClose(connection);
    });
    catchUpFromLog(connection);
    return connection;
  }

  /**
   * Counts the close by reason, and logs one line per stream (never its token): why
   * streams end — the client left, it fell too far behind (slow consumer), the server
   * ended it (token expired, shutdown) or catching it up failed (error).
   */
  function recordClose(connection: SseConnection): void {
    const reason = connection.closeReason ?? 'client_gone';
    tallies.closed[reason] += 1;
    logger.info(
      {
        userId: connection.userId,
        reason,
        durationMs: Date.now() - connection.openedAt,
        events: connection.eventsSent,
      },
      'stream closed',
    );
  }

  function catchUpFromLog(connection: SseConnection): void {
    void catchUp(connection, () => registry.subscription(connection), reader, logger);
  }

  /**
   * Subscriptions were lost: the subscriber reconnected (all of them), or a cluster
   * shard failed over, restarted or gave a slot away (its channels). Events published
   * meanwhile never arrived, but they are in the log: subscribe again, then catch each
   * affected stream up from its last cursor (or resync it when the log cannot prove
   * completeness). Everything up to the SUBSCRIBE happens synchronously, so live events
   * that follow it are buffered, not written out of order.
   */
  function recover(lost: readonly string[] | 'all'): void {
    const connections = registry.resubscribe(lost);
    tallies.subscriberReconnects += 1;
    logger.warn({ streams: connections.length }, 'redis subscriptions lost; resubscribing and catching up');
    for (const connection of connections) catchUpFromLog(connection);
  }

  async function shutdown(spreadMs: number): Promise<void> {
    shuttingDown = true;
    heartbeat.stop();
    expiry.stop();
    const connections = registry.allConnections();
    await Promise.all(
      connections.map(
        (connection) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              const retryMs = settings.retryMs + Math.floor(Math.random() * settings.retryMs);
              connection.end(reconnectFrame(retryMs), 'shutdown');
              resolve();
            }, Math.random() * spreadMs);
            connection.onClose(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    subscriber.off('message', onMessage);
    subscriber.off('lost', recover);
  }

  function stats(): StreamHubStats {
    return {
      ...registry.stats(),
      expiryBuckets: expiry.size(),
      heartbeats: heartbeat.size(),
      subscriberListeners: subscriber.listenerCount('message'),
      presenceUsers: presence?.users() ?? 0,
    };
  }

  return { open, shutdown, stats };
}
