/** The JSON shapes of the API (issue 2): ids are strings, times ISO 8601. */
export interface UserJson {
  id: string;
  username: string;
  avatarUrl: string | null;
}

export interface MessageJson {
  id: string;
  content: string;
  conversationId: string;
  createdAt: string;
  mine: boolean;
}

export interface ConversationJson {
  id: string;
  /** When it was started: its place in the list while it has no message. */
  createdAt: string;
  otherParticipant: UserJson;
  lastMessage: MessageJson | null;
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
