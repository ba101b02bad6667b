/**
 * The JSON of the messages service's API, as the service writes it and the browser
 * reads it: ids are decimal strings (ids.ts), times ISO 8601.
 */
export interface User {
  id: string;
  username: string;
  avatarUrl: string | null;
}

/** A message as one user sees it: `mine` is computed for that user. */
export interface Message {
  id: string;
  content: string;
  conversationId: string;
  createdAt: string;
  mine: boolean;
}

/**
 * The other participant of a conversation. `online` and `lastSeenAt` are there only when
 * presence is on (PRESENCE, on by default); with PRESENCE=off neither appears anywhere.
 */
export interface Participant extends User {
  online?: boolean;
  /** ISO 8601; null while online or when never seen. */
  lastSeenAt?: string | null;
}

export interface Conversation {
  id: string;
  /** When it was started: its place in the list while it has no message. */
  createdAt: string;
  otherParticipant: Participant;
  lastMessage: Message | null;
  hasUnreadMessages: boolean;
  /**
   * The other participant's messages after the viewer's read marker, counted up to 100:
   * 100 means "100 or more".
   */
  unreadCount: number;
  /**
   * The other participant's read marker (ISO 8601): the viewer's messages created at or
   * before it were seen, so a page can show "Seen" after a reload, not only on a live `read`.
   */
  otherParticipantReadAt: string;
}

/** A session or stream token, and when it expires. */
export interface TokenAnswer {
  token: string;
  expiresAt: string;
}

/** The development login's answer. */
export interface LoginAnswer extends TokenAnswer {
  authUser: User;
}

/** The sign-ins on offer. */
export interface AuthProviders {
  github: boolean;
  dev: boolean;
}
