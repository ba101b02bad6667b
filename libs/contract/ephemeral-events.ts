/**
 * Ephemeral events: typing and presence. They travel the user's channel like the
 * events of stream-events.ts, but only to the streams open when they happen: they never
 * enter the replay log or the outbox, carry no `id:` (a client's cursor never moves for
 * them) and are never replayed. Each is one named SSE event whose `data:` is the JSON
 * below.
 */

/** `userId` is typing in `conversationId`. */
export interface TypingNotice {
  conversationId: string;
  userId: string;
}

/** Whether `userId` has a stream open now, and when their last one closed. */
export interface PresenceState {
  userId: string;
  online: boolean;
  /** ISO 8601; null when they have never been seen, or are online. */
  lastSeenAt: string | null;
}

export interface EphemeralDataByType {
  typing: TypingNotice;
  presence: PresenceState;
}

export type EphemeralType = keyof EphemeralDataByType;

export const EPHEMERAL_TYPES: readonly EphemeralType[] = ['typing', 'presence'];

/** One `typing` per conversation and sender at most this often: the API refuses more with 429. */
export const TYPING_INTERVAL_MS = 3_000;
/** A `typing` older than this when the stream would write it is dropped: never delivered late. */
export const TYPING_MAX_AGE_MS = 5_000;
/** The browser hides "… is typing" this long after the last `typing` (or on the sender's message). */
export const TYPING_DISPLAY_MS = 6_000;
/**
 * A watch of a conversation partner's presence (POST /api/conversations/:id/watch) lasts
 * this long; a page renews it every half of it while the conversation is open.
 */
export const PRESENCE_WATCH_TTL_MS = 60_000;
