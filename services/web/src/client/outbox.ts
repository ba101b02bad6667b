import { ApiError, type ApiClient } from './api-client';
import type { OutgoingState } from './components/message-item';
import { createEmitter } from './emitter';
import type { Message } from '#libs/contract';

export interface Outgoing {
  /** Made before the first try and sent with every try: the server stores the message once. */
  clientId: string;
  conversationId: string;
  /** Already normalised, as the server will store it. */
  content: string;
  state: OutgoingState;
}

/**
 * Messages on their way, for every conversation, so they survive leaving the page.
 *
 * A send shows at once ("Sending…"). It ends in one of four ways:
 * - the server answers: the message is sent (`sent`);
 * - the sender's own `message` event arrives first, with the same text: sent as well;
 * - offline: it waits ("Waiting for connection…") and goes by itself when the browser is
 *   back online or the event stream reconnects;
 * - no answer, or the server failed: "Not sent", with Retry and Delete. A retry carries
 *   the same clientId, so a message the server did store (the answer was lost) is not
 *   stored twice;
 * - refused (4xx): it leaves the list and the text goes back to the composer (`rejected`).
 */
export function createOutbox(api: ApiClient) {
  const entries = new Map<string, Outgoing>();
  const events = createEmitter<{
    change: string;
    sent: Message;
    rejected: { entry: Outgoing; error: unknown };
  }>();

  function setState(entry: Outgoing, state: OutgoingState) {
    entry.state = state;
    events.emit('change', entry.conversationId);
  }

  function settle(entry: Outgoing): boolean {
    if (!entries.delete(entry.clientId)) return false;
    events.emit('change', entry.conversationId);
    return true;
  }

  async function attempt(entry: Outgoing) {
    setState(entry, 'sending');
    try {
      const message = await api.sendMessage(entry.conversationId, entry.content, entry.clientId);
      if (settle(entry)) events.emit('sent', message);
    } catch (error) {
      // Settled meanwhile: its own event arrived, or it was deleted.
      if (!entries.has(entry.clientId)) return;
      const status = error instanceof ApiError ? error.status : 0;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        settle(entry);
        events.emit('rejected', { entry, error });
      } else if (status === 0 && error instanceof ApiError && error.code === 'network' && !navigator.onLine) {
        setState(entry, 'queued');
      } else {
        setState(entry, 'failed');
      }
    }
  }

  function retryQueued() {
    for (const entry of entries.values()) if (entry.state === 'queued') void attempt(entry);
  }
  window.addEventListener('online', retryQueued);

  return {
    on: events.on.bind(events),

    send(conversationId: string, content: string): Outgoing {
      const entry: Outgoing = { clientId: crypto.randomUUID(), conversationId, content, state: 'sending' };
      entries.set(entry.clientId, entry);
      if (navigator.onLine) void attempt(entry);
      else setState(entry, 'queued');
      return entry;
    },

    retry(clientId: string) {
      const entry = entries.get(clientId);
      if (entry && entry.state !== 'sending') void attempt(entry);
    },

    remove(clientId: string) {
      const entry = entries.get(clientId);
      if (entry) settle(entry);
    },

    /** The connection is back: what waited for it goes now. */
    retryQueued,

    /** My own message arrived as an event: the oldest entry with its text is sent. */
    resolve(message: Message): boolean {
      for (const entry of entries.values()) {
        if (entry.conversationId === message.conversationId && entry.content === message.content) return settle(entry);
      }
      return false;
    },

    forConversation: (conversationId: string) =>
      [...entries.values()].filter((entry) => entry.conversationId === conversationId),

    stop() {
      window.removeEventListener('online', retryQueued);
      entries.clear();
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
