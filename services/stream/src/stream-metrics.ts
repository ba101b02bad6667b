import { Counter, Gauge, type Registry } from 'prom-client';
import { EPHEMERAL_TYPES, EVENT_TYPES, type EphemeralType, type EventType } from '#libs/contract';
import { TallyHistogram } from '#libs/metrics';

/** Why a stream ended: the `reason` label of `messenger_stream_connections_closed_total`. */
export type CloseReason = 'client_gone' | 'slow_consumer' | 'token_expired' | 'shutdown' | 'error';
export const CLOSE_REASONS: readonly CloseReason[] = [
  'client_gone',
  'slow_consumer',
  'token_expired',
  'shutdown',
  'error',
];

// From a millisecond to ten seconds: a healthy stream is in the first buckets, one fed
// from an outbox that backed up is in the last.
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const zeroByType = () =>
  Object.fromEntries([...EVENT_TYPES, ...EPHEMERAL_TYPES].map((type) => [type, 0])) as Record<
    EventType | EphemeralType,
    number
  >;
const zeroByReason = () => Object.fromEntries(CLOSE_REASONS.map((r) => [r, 0])) as Record<CloseReason, number>;

/**
 * The stream service's counts, kept as plain numbers that the fan-out bumps (no label
 * lookup, no allocation per event) and that Prometheus reads at scrape time.
 */
export class StreamTallies {
  opened = 0;
  readonly closed = zeroByReason();
  /** Live events written to a socket, by type (the ephemeral typing and presence included). */
  readonly delivered = zeroByType();
  /** Events written from the log while catching a stream up. */
  catchUpEvents = 0;
  /** By the log's reason, in snake case (a handful of fixed texts: event-log-reader.ts). */
  readonly resyncs = new Map<string, number>();
  subscriberReconnects = 0;
  /** Seconds from an event's commit (its `ts`) to its write on a socket, live events only. */
  readonly deliveryLag = new TallyHistogram(
    'messenger_stream_delivery_lag_seconds',
    "Time from an event's commit to its write on a stream's socket (live events).",
    LAG_BUCKETS,
  );

  countResync(reason: string): void {
    const label = reason.replaceAll(' ', '_');
    this.resyncs.set(label, (this.resyncs.get(label) ?? 0) + 1);
  }
}

/** Registers the stream service's metrics on `registry`, read from `tallies` and the hub's live counts. */
export function registerStreamMetrics(
  registry: Registry,
  tallies: StreamTallies,
  live: () => { connections: number; users: number },
): void {
  const registers = [registry];
  new Gauge({
    name: 'messenger_stream_connections',
    help: 'Open event streams on this instance.',
    registers,
    collect() {
      this.set(live().connections);
    },
  });
  new Gauge({
    name: 'messenger_stream_subscribed_channels',
    help: "Users' channels this instance's subscriber is subscribed to (users with a stream open here).",
    registers,
    collect() {
      this.set(live().users);
    },
  });
  tallyCounter(registry, 'messenger_stream_connections_opened_total', 'Event streams opened.', () => tallies.opened);
  labelledTallyCounter(
    registry,
    'messenger_stream_connections_closed_total',
    'Event streams closed, by reason.',
    'reason',
    () => Object.entries(tallies.closed),
  );
  labelledTallyCounter(
    registry,
    'messenger_stream_events_delivered_total',
    'Live events written to streams, by type.',
    'type',
    () => Object.entries(tallies.delivered),
  );
  labelledTallyCounter(registry, 'messenger_stream_resyncs_total', 'resync frames sent, by reason.', 'reason', () => [
    ...tallies.resyncs,
  ]);
  tallyCounter(
    registry,
    'messenger_stream_catchup_events_total',
    'Events written from the log while catching streams up (resume, gap, subscriber reconnect).',
    () => tallies.catchUpEvents,
  );
  tallyCounter(
    registry,
    'messenger_stream_subscriber_reconnects_total',
    'Reconnects of the shared Redis subscriber (each one catches every stream up from the log).',
    () => tallies.subscriberReconnects,
  );
  tallies.deliveryLag.register(registry);
}

/** A counter whose value is read from a plain number at scrape time. */
function tallyCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function labelledTallyCounter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => [string, number][],
): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, count] of read()) this.inc({ [label]: value }, count);
    },
  });
}
