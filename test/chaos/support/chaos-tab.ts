import { createConditionWaiters } from '../../support/stream/stream-condition-waiters';
import { openRawStream, type RawStream, type SseFrame } from '../../support/stream/stream-raw-client';

/**
 * A browser tab as the web app behaves (services/web/src/client/live-events.ts), on a
 * raw SSE client: it keeps its stream open, reconnecting after any end or failure with
 * the last id it saw as Last-Event-ID (each attempt to the next of `urls`, as a load
 * balancer would send it elsewhere), and on `resync` refetches its state over REST.
 * Everything it receives, over all its connections, is kept in order.
 */
export interface ChaosTab {
  /** Every event with data but `ready`, in arrival order, over every connection. */
  events: SseFrame[];
  /** The `message` events' data. */
  messages(): { id: string; content: string; conversationId: string; createdAt: string; mine: boolean }[];
  resyncs(): SseFrame[];
  /** Message ids from the REST refetches that followed each resync. */
  refetched: Set<string>;
  /** Streams opened (200) so far. */
  opens: number;
  lastEventId: string | undefined;
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

export interface ChaosTabOptions {
  /** Stream service base URLs, tried in turn. */
  urls: string[];
  /** A session token (sent as Authorization: Bearer). */
  token: string;
  /** The REST refetch after a resync: the ids of the messages it shows. */
  refetch?: () => Promise<string[]>;
}

const RETRY_MS = 100;

export function openChaosTab(options: ChaosTabOptions): ChaosTab {
  const waiters = createConditionWaiters();
  let closed = false;
  let current: RawStream | undefined;
  let attempt = 0;
  const tab: ChaosTab = {
    events: [],
    messages: () => tab.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data)),
    resyncs: () => tab.events.filter((e) => e.event === 'resync'),
    refetched: new Set(),
    opens: 0,
    lastEventId: undefined,
    waitFor: (condition, what, timeoutMs = 20_000) =>
      waiters.waitFor(condition, what, timeoutMs, () => `${tab.opens} opens, ${tab.events.length} events`),
    close() {
      closed = true;
      current?.close();
    },
  };

  function onFrame(frame: SseFrame) {
    if (frame.id !== undefined) tab.lastEventId = frame.id;
    if (frame.data !== '' && frame.event !== 'ready') tab.events.push(frame);
    if (frame.event === 'resync' && options.refetch) {
      void options.refetch().then(
        (ids) => {
          for (const id of ids) tab.refetched.add(id);
          waiters.notify();
        },
        () => {},
      );
    }
    waiters.notify();
  }

  async function keepOpen() {
    while (!closed) {
      const url = options.urls[attempt++ % options.urls.length]!;
      try {
        const stream = await openRawStream(url, { token: options.token, lastEventId: tab.lastEventId, onFrame });
        current = stream;
        if (stream.status === 200) {
          tab.opens += 1;
          waiters.notify();
        }
        if (closed) stream.close();
        await stream.ended;
      } catch {
        // Refused or reset: the instance is gone; the next attempt goes elsewhere.
      }
      if (!closed) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  void keepOpen();
  return tab;
}
