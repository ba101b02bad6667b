import { EventSource, type FetchLike } from 'eventsource';
import { createConditionWaiters } from './stream-condition-waiters';

/**
 * A real EventSource (the `eventsource` package, which follows the browser's
 * reconnect rules and sends Last-Event-ID itself) that records what it receives.
 */
export interface RecordedEventSource {
  source: EventSource;
  /** Every event, in order: `type` is "message", "read", "resync", "reauth", "reconnect", "typing" or "presence". */
  received: { type: string; id: string; data: string }[];
  /** The `ready` events (one per stream opened: its starting cursor), apart from `received`. */
  ready: { id: string; data: string }[];
  opens: number;
  /**
   * Every `error` event: a dropped connection the EventSource retries, or a refusal
   * (a non-200 `status`) after which it is closed for good, as a browser's would be.
   */
  errors: { status: number | undefined; message: string }[];
  opened(): Promise<void>;
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

const NAMED_EVENTS = ['read', 'resync', 'reauth', 'reconnect', 'typing', 'presence'];

export function openEventSource(
  baseUrl: string,
  options: { token: string; tokenInHeader?: boolean; query?: Record<string, string> },
): RecordedEventSource {
  const url = new URL('/api/messages', baseUrl);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  if (options.tokenInHeader === false) url.searchParams.set('token', options.token);
  const headerFetch: FetchLike = (input, init) => {
    const headers: Record<string, string> = { ...init.headers };
    if (options.tokenInHeader !== false) headers.Authorization = `Bearer ${options.token}`;
    return fetch(input, { ...init, headers });
  };
  const source = new EventSource(url, { fetch: headerFetch });
  const waiters = createConditionWaiters();
  const notify = () => waiters.notify();
  const recorded: RecordedEventSource = {
    source,
    received: [],
    ready: [],
    opens: 0,
    errors: [],
    opened: () => recorded.waitFor(() => recorded.opens > 0, 'open'),
    waitFor: (condition, what, timeoutMs = 10_000) =>
      waiters.waitFor(condition, what, timeoutMs, () => {
        const errors = recorded.errors.map((e) => e.status ?? e.message).join(', ');
        const state = ['connecting', 'open', 'closed'][source.readyState];
        return `received ${recorded.received.length} events; ${recorded.opens} opens; ${state}; errors: ${errors || 'none'}`;
      }),
    close: () => source.close(),
  };
  source.addEventListener('error', (event) => {
    recorded.errors.push({ status: event.code, message: event.message ?? '' });
    notify();
  });
  source.addEventListener('open', () => {
    recorded.opens += 1;
    notify();
  });
  const record = (event: MessageEvent) => {
    recorded.received.push({ type: event.type, id: event.lastEventId, data: event.data });
    notify();
  };
  source.addEventListener('ready', (event: MessageEvent) => {
    recorded.ready.push({ id: event.lastEventId, data: event.data });
    notify();
  });
  source.addEventListener('message', record);
  for (const name of NAMED_EVENTS) source.addEventListener(name, record);
  return recorded;
}
