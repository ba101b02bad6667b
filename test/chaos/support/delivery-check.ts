import type { ChaosTab } from './chaos-tab';

export interface SentMessage {
  id: string;
  createdAt: string;
}

/**
 * The promise every chaos case checks, for one tab and the messages that got a 201:
 * each arrives on the stream exactly once and in order, or, where data was really lost,
 * an explicit `resync` arrived and the REST refetch it triggered shows what the stream
 * did not. Returns the number of resyncs, for the case to bound.
 */
export function expectDelivered(tab: ChaosTab, acknowledged: SentMessage[]): number {
  const delivered = tab.messages();
  const ids = delivered.map((m) => m.id);
  // Exactly once.
  expect(ids.length).toBe(new Set(ids).size);
  // In order: a conversation's messages are committed in (createdAt, id) order.
  const order = [...delivered].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || Number(BigInt(a.id) - BigInt(b.id)),
  );
  expect(ids).toEqual(order.map((m) => m.id));
  // Every event is the next of the user's sequence: a stream never skips one silently.
  // A resync moves the cursor wherever the log is (to a head without events,
  // `<epoch>:0`, the next number is open).
  const numbered = tab.events.filter((e) => e.id).map((e) => ({ event: e.event, seq: Number(e.id!.split(':')[1]) }));
  const skips = numbered.filter((e, i) => {
    const previous = numbered[i - 1];
    if (!previous || e.event === 'resync' || (previous.event === 'resync' && previous.seq === 0)) return false;
    return e.seq !== previous.seq + 1;
  });
  expect(skips).toEqual([]);
  const resyncs = tab.resyncs().length;
  const missing = acknowledged.filter((m) => !ids.includes(m.id));
  if (resyncs === 0) expect(missing).toEqual([]);
  else expect(missing.filter((m) => !tab.refetched.has(m.id))).toEqual([]);
  return resyncs;
}

/** Resolves once the tab has every acknowledged message, by stream or by a refetch after a resync. */
export function waitForDelivery(tab: ChaosTab, acknowledged: SentMessage[], what: string, timeoutMs = 20_000) {
  return tab.waitFor(
    () => {
      const ids = new Set(tab.messages().map((m) => m.id));
      return acknowledged.every((m) => ids.has(m.id) || tab.refetched.has(m.id));
    },
    `${what} to have all ${acknowledged.length} messages`,
    timeoutMs,
  );
}
