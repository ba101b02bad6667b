import { Redis } from 'ioredis';
import { createEventChannels } from '#libs/events';
import { createHistogram, encodeHistogram, nowMs, type Histogram } from './latency-histogram';

/**
 * Relay lag, commit to publish: every event the messages service's outbox relay
 * publishes carries `ts`, its outbox row's commit time (PostgreSQL's clock, to the
 * millisecond, on this machine). A pattern subscriber on the users' channels records
 * arrival − ts: the relay's wait for a nudge or a poll, its cycle, and the PUBLISH,
 * plus well under a millisecond of pub/sub delivery to this subscriber.
 */
export interface RelayLagWatcher {
  /** The lags recorded since the last call (µs, encoded), and a fresh histogram. */
  take(): string;
  close(): void;
}

export async function watchRelayLag(redisUrl: string, prefix: string): Promise<RelayLagWatcher> {
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let lags: Histogram = createHistogram();
  subscriber.on('pmessage', (_pattern: string, _channel: string, payload: string) => {
    const { ts } = JSON.parse(payload) as { ts?: unknown };
    if (typeof ts === 'number') lags.recordValue(Math.max(1, Math.round((nowMs() - ts) * 1000)));
  });
  await subscriber.psubscribe(createEventChannels(prefix).userChannel('*'));
  return {
    take() {
      const encoded = encodeHistogram(lags);
      lags.destroy();
      lags = createHistogram();
      return encoded;
    },
    close: () => subscriber.disconnect(),
  };
}
