import type { ApiClient } from './api-client';
import type { ConversationStore } from './conversation-store';
import type { Drafts } from './drafts';
import type { createEmitter } from './emitter';
import type { ConnectionState } from './live-events';
import type { Notifications } from './notifications';
import type { Outbox } from './outbox';
import type { TypingSender } from './typing-sender';
import type { TypingState } from './typing-state';
import type { Message, PresenceState, ReadReceipt, TypingNotice, User } from '#libs/contract';

export interface LiveEventMap extends Record<string, unknown> {
  message: Message;
  read: ReadReceipt;
  typing: TypingNotice;
  presence: PresenceState;
  resync: undefined;
  state: ConnectionState;
}

export type LiveEmitter = ReturnType<typeof createEmitter<LiveEventMap>>;

/** What a logged-in page gets from the app. */
export interface AppContext {
  api: ApiClient;
  store: ConversationStore;
  user: User;
  /** Live events, after the app has applied them to the store; `state` when the connection changes. */
  live: LiveEmitter;
  /**
   * Resolves once the event stream is open (or after a short wait if it cannot
   * open): pages fetch only after it, so no event can fall between a fetch and
   * the stream.
   */
  streamReady: Promise<void>;
  /** The newest page of conversations, loaded once per session after the stream opened. */
  conversationsLoaded: Promise<void>;
  outbox: Outbox;
  /** Who is typing where (from `typing` notices), for the list and the open conversation. */
  typing: TypingState;
  /** Sends the user's own typing notices, throttled. */
  typingSender: TypingSender;
  drafts: Drafts;
  notifications: Notifications;
  navigate(path: string): void;
  /** Pages set the conversation on screen (its name goes into the tab title). */
  setOpenConversation(conversationId: string | undefined, name?: string): void;
}

export type Unmount = () => void;
