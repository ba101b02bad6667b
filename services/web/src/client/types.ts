/** The shapes of the messages service's API (issue 2) and the stream's events (issue 3). */
export interface User {
  id: string;
  username: string;
  avatarUrl: string | null;
}

export interface Message {
  id: string;
  content: string;
  conversationId: string;
  createdAt: string;
  mine: boolean;
}

export interface Conversation {
  id: string;
  /** When it was started: its place in the list while it has no message. */
  createdAt: string;
  otherParticipant: User;
  lastMessage: Message | null;
  hasUnreadMessages: boolean;
  /** The other participant's messages after my read marker; the API stops counting at 100. */
  unreadCount: number;
  /** The other participant's read marker: my messages created at or before it were seen. */
  otherParticipantReadAt: string;
}

export interface ReadEvent {
  conversationId: string;
  userId: string;
  readAt: string;
}

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

/** When a conversation was last active: its last message, or its start while it has none. */
export function activeAt(conversation: Conversation): string {
  return conversation.lastMessage?.createdAt ?? conversation.createdAt;
}

/** Orders conversations most recently active first, ties by id (the order the server pages them in). */
export function compareConversations(a: Conversation, b: Conversation): number {
  const byTime = Date.parse(activeAt(b)) - Date.parse(activeAt(a));
  return byTime !== 0 ? byTime : compareIds(b.id, a.id);
}

/** Orders messages by (createdAt, id), the order the server pages them in. */
export function compareMessages(a: Message, b: Message): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byTime !== 0) return byTime;
  return compareIds(a.id, b.id);
}

/** Ids are decimal strings of 64-bit integers: compare them as numbers, not text. */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
