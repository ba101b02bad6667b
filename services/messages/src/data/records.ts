/** Plain objects the repositories return: ids as strings, no Prisma types leak out. */
export interface UserRecord {
  id: string;
  username: string;
  avatarUrl: string | null;
}

export interface MessageRecord {
  id: string;
  content: string;
  userId: string;
  conversationId: string;
  createdAt: Date;
}

export interface ConversationRecord {
  id: string;
  createdAt: Date;
  otherParticipant: UserRecord;
  lastMessage: MessageRecord | null;
  /** The viewer's read marker. */
  messagesReadAt: Date;
  /** The other participant's read marker: the viewer's messages up to it were seen. */
  otherMessagesReadAt: Date;
  /** The other participant's messages after the viewer's marker, at most UNREAD_COUNT_CAP. */
  unreadCount: number;
}
