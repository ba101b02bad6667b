import { PRESENCE_WATCH_TTL_MS, type PresenceState } from '#libs/contract';
import { ApiError, type ApiClient } from './api-client';

export interface PresenceWatch {
  /** Asks again now: after the stream reconnected, a transition may have been missed. */
  renew(): void;
  stop(): void;
}

/**
 * Watches the other participant's presence while a conversation is open: the server
 * sends this user's streams `presence` events about them for PRESENCE_WATCH_TTL_MS after
 * each `POST /api/conversations/:id/watch`, so the watch is renewed every half of that,
 * and ends with the page (the server lets it lapse). Each answer is the partner's state
 * now. A 404 ends it: `presence_off` (the server shows no presence, and neither does
 * the page) or a conversation that is not the user's (the page says so itself).
 */
export function watchPresence(
  api: ApiClient,
  conversationId: string,
  handlers: { state(state: PresenceState): void; off(): void },
): PresenceWatch {
  let stopped = false;
  let latest = 0;

  async function ask() {
    if (stopped) return;
    // Answers can come back out of order: only the latest request's counts.
    const request = ++latest;
    try {
      const state = await api.watchPresence(conversationId);
      if (!stopped && request === latest) handlers.state(state);
    } catch (caught) {
      // Any other failure (offline, 503) is retried by the next renewal or reconnect.
      if (stopped || !(caught instanceof ApiError) || caught.status !== 404) return;
      stop();
      if (caught.code === 'presence_off') handlers.off();
    }
  }

  const timer = setInterval(() => void ask(), PRESENCE_WATCH_TTL_MS / 2);
  function stop() {
    stopped = true;
    clearInterval(timer);
  }
  void ask();

  return { renew: () => void ask(), stop };
}
