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
  otherParticipant: UserJson;
  lastMessage: MessageJson | null;
  hasUnreadMessages: boolean;
}
