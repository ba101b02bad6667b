import {
  STREAM_PATH,
  type Message,
  type PresenceState,
  type ReadReceipt,
  type TokenAnswer,
  type TypingNotice,
} from '#libs/contract';
import { ApiError } from './api-client';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface LiveEventHandlers {
  message(message: Message): void;
  read(event: ReadReceipt): void;
  /** The other participant of a conversation is typing (ephemeral: no cursor, never replayed). */
  typing(notice: TypingNotice): void;
  /** A watched user's presence changed (ephemeral, like `typing`). */
  presence(state: PresenceState): void;
  /** The server could not prove that nothing was missed: refetch state over REST. */
  resync(): void;
  /**
   * The stream is open. `resumed` is false when it was opened without a cursor, so
   * events published before it opened may be missing from what the page has
   * (the caller refetches unless this is the very first open, which precedes the fetches).
   * Every stream's `ready` gives a cursor, so after the first open this is rare: only a
   * stream lost before its `ready` arrived.
   */
  open(info: { resumed: boolean }): void;
  state(state: ConnectionState): void;
  /** The session token was refused while getting a stream token. */
  unauthorized(): void;
}

const MAX_RETRY_MS = 5000;

/**
 * The page's EventSource on /api/messages (services/stream/README.md), kept open for as long as the user is logged in.
 *
 * - The URL carries a short-lived stream token (`POST /api/stream_token`), never the
 *   login token: URLs end up in logs and histories.
 * - The last event id (the cursor) is tracked here, from every event and from `ready`,
 *   which each stream sends first with the cursor it starts from: an idle tab that
 *   never received an event has a cursor too. The browser resends it by itself as
 *   Last-Event-ID when it reconnects after a network error; when this code opens a
 *   new EventSource (after `reauth`, or after the browser gave up) it passes it as
 *   `?lastEventId=`, so the server replays what was missed instead of the page
 *   refetching.
 * - The browser gives up for good (readyState CLOSED) on any non-200 answer, for
 *   example 401 once the stream token expired during an outage, or 502 from the
 *   proxy while the stream service is down. Then a new token is fetched and the
 *   stream reopened, with a capped backoff.
 * - A stream refused by the connection limits (429 when the user has too many open,
 *   503 when the instance is full) says how long to wait in `Retry-After`, which an
 *   EventSource does not show: a stream that failed before it opened is asked again
 *   with HEAD, which answers the same status and header, and the reopen waits that long.
 */
export function createLiveEvents(fetchStreamToken: () => Promise<TokenAnswer>, handlers: LiveEventHandlers) {
  let source: EventSource | undefined;
  let lastEventId: string | undefined;
  let generation = 0;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let state: ConnectionState = 'stopped';

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    handlers.state(next);
  }

  function track(event: MessageEvent) {
    if (event.lastEventId) lastEventId = event.lastEventId;
  }

  function closeSource() {
    generation += 1;
    source?.close();
    source = undefined;
    clearTimeout(retryTimer);
  }

  async function open() {
    closeSource();
    const mine = generation;
    let token: string;
    try {
      token = (await fetchStreamToken()).token;
    } catch (error) {
      if (mine !== generation || !running) return;
      if (error instanceof ApiError && error.status === 401) {
        handlers.unauthorized();
        return;
      }
      scheduleReopen();
      return;
    }
    if (mine !== generation || !running) return;

    const params = new URLSearchParams({ token });
    if (lastEventId) params.set('lastEventId', lastEventId);
    const url = `${STREAM_PATH}?${params}`;
    const es = new EventSource(url);
    source = es;
    const current = () => mine === generation;
    let opened = false;

    es.onopen = () => {
      if (!current()) return;
      opened = true;
      failures = 0;
      setState('connected');
      handlers.open({ resumed: lastEventId !== undefined });
    };
    es.addEventListener('ready', (event) => {
      if (!current()) return;
      // Its id is the stream's starting cursor (the browser already took it as Last-Event-ID).
      track(event);
    });
    es.onmessage = (event) => {
      if (!current()) return;
      track(event);
      const message = parse<Message>(String(event.data));
      if (message) handlers.message(message);
    };
    es.addEventListener('read', (event) => {
      if (!current()) return;
      track(event);
      const read = parse<ReadReceipt>(String(event.data));
      if (read) handlers.read(read);
    });
    // Ephemeral events carry no id: they never move the cursor, so they are not tracked.
    es.addEventListener('typing', (event) => {
      if (!current()) return;
      const notice = parse<TypingNotice>(String(event.data));
      if (notice) handlers.typing(notice);
    });
    es.addEventListener('presence', (event) => {
      if (!current()) return;
      const presence = parse<PresenceState>(String(event.data));
      if (presence) handlers.presence(presence);
    });
    es.addEventListener('resync', (event) => {
      if (!current()) return;
      track(event);
      handlers.resync();
    });
    es.addEventListener('reauth', (event) => {
      if (!current()) return;
      track(event);
      // The stream token is about to expire and the server ends the stream: reopen
      // at once with a fresh token, resuming after the last event seen.
      void open();
    });
    es.onerror = () => {
      if (!current()) return;
      if (es.readyState !== EventSource.CLOSED) return setState('reconnecting');
      if (opened) return scheduleReopen();
      closeSource();
      setState('reconnecting');
      const refused = generation;
      void retryAfterMs(url).then((waitMs) => {
        if (refused === generation && running) scheduleReopen(waitMs);
      });
    };
  }

  /** Reopens after the backoff, or after `atLeastMs` (a refusal's Retry-After) when longer. */
  function scheduleReopen(atLeastMs = 0) {
    closeSource();
    setState('reconnecting');
    failures += 1;
    const delay = Math.max(Math.min(500 * 2 ** (failures - 1), MAX_RETRY_MS), atLeastMs) + Math.random() * 250;
    retryTimer = setTimeout(() => void open(), delay);
  }

  // The browser knows before the stream does: a dead connection can look open for a
  // while. Offline, say so and stop; online again, reopen at once rather than after a backoff.
  function wentOffline() {
    if (running) scheduleReopen();
  }
  function cameOnline() {
    if (running && state !== 'connected') {
      failures = 0;
      void open();
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      window.addEventListener('offline', wentOffline);
      window.addEventListener('online', cameOnline);
      setState('connecting');
      void open();
    },
    stop() {
      running = false;
      window.removeEventListener('offline', wentOffline);
      window.removeEventListener('online', cameOnline);
      closeSource();
      lastEventId = undefined;
      failures = 0;
      setState('stopped');
    },
    get state() {
      return state;
    },
  };
}

export type LiveEvents = ReturnType<typeof createLiveEvents>;

function parse<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}

/**
 * The wait a refused stream was told, in ms: HEAD on the stream URL answers the limits'
 * 429 or 503 with `Retry-After` (seconds) as a GET would; 0 for any other answer.
 */
async function retryAfterMs(url: string): Promise<number> {
  try {
    const response = await fetch(url, { method: 'HEAD', headers: { Accept: 'text/event-stream' } });
    if (response.status !== 429 && response.status !== 503) return 0;
    const seconds = Number(response.headers.get('retry-after'));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  } catch {
    return 0;
  }
}
