import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxBacklog } from './outbox/outbox-backlog';

/**
 * The messages service's own metrics (the request durations are libs/metrics'). The
 * outbox gauges are read from PostgreSQL when scraped, by one query shared by both.
 */
export function createMessagesMetrics(registry: Registry, readBacklog: () => Promise<OutboxBacklog>) {
  const registers = [registry];
  const messagesSent = new Counter({
    name: 'messenger_messages_sent_total',
    help: 'Messages stored (a retried send with the same clientId is not counted again).',
    registers,
  });
  const eventsRelayed = new Counter({
    name: 'messenger_outbox_events_relayed_total',
    help: 'Events the outbox relay appended to Redis and published.',
    registers,
  });
  const newEpochs = new Counter({
    name: 'messenger_outbox_new_epochs_total',
    help: "Users whose next event the relay appended under a new epoch, so their streams resync: Redis had lost events it acknowledged (restarted from an older snapshot or append-only file, or failed over to a lagging replica), or an earlier event's message was deleted before it was relayed.",
    registers,
  });
  const publishFailures = new Counter({
    name: 'messenger_publish_failures_total',
    help: 'Outbox relay cycles that failed to publish (Redis or PostgreSQL unreachable, or an append refused); their events wait in the outbox.',
    registers,
  });

  // Both gauges are collected in the same scrape: one query answers both.
  let reading: Promise<OutboxBacklog | undefined> | undefined;
  const readOnce = () =>
    (reading ??= readBacklog()
      .catch(() => undefined)
      .finally(() => (reading = undefined)));
  new Gauge({
    name: 'messenger_outbox_backlog',
    help: 'Events waiting in the outbox for the relay (counted up to 10,000).',
    registers,
    async collect() {
      // Without PostgreSQL the last value stays; /healthz says what is wrong.
      const outbox = await readOnce();
      if (outbox) this.set(outbox.backlog);
    },
  });
  new Gauge({
    name: 'messenger_outbox_oldest_age_seconds',
    help: 'Age of the oldest event waiting in the outbox; 0 when none waits.',
    registers,
    async collect() {
      const outbox = await readOnce();
      if (outbox) this.set(outbox.oldestAgeMs / 1000);
    },
  });

  return {
    messageSent: () => messagesSent.inc(),
    /** The relay's hooks (outbox-relay.ts). */
    relay: {
      relayed: (count: number) => eventsRelayed.inc(count),
      newEpochs: (count: number) => newEpochs.inc(count),
      failed: () => publishFailures.inc(),
    },
  };
}

export type MessagesMetrics = ReturnType<typeof createMessagesMetrics>;
