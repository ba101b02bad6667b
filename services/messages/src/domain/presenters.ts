import type { Conversation, Message, ReadReceipt, User } from '#libs/contract';
import type { ConversationRecord, MessageRecord, UserRecord } from '../data/records';

export function presentUser(user: UserRecord): User {
  return { id: user.id, username: user.username, avatarUrl: user.avatarUrl };
}

/** `mine` depends on who looks: the same message goes out with true and false. */
export function presentMessage(message: MessageRecord, viewerId: string): Message {
  return {
    id: message.id,
    content: message.content,
    conversationId: message.conversationId,
    createdAt: message.createdAt.toISOString(),
    mine: message.userId === viewerId,
  };
}

/** The `read` event: `readerId` has read `conversationId` up to `readAt`. */
export function presentReadReceipt(conversationId: string, readerId: string, readAt: Date): ReadReceipt {
  return { conversationId, userId: readerId, readAt: readAt.toISOString() };
}

export function presentConversation(conversation: ConversationRecord, viewerId: string): Conversation {
  const last = conversation.lastMessage;
  return {
    id: conversation.id,
    createdAt: conversation.createdAt.toISOString(),
    otherParticipant: presentUser(conversation.otherParticipant),
    lastMessage: last ? presentMessage(last, viewerId) : null,
    // Unread: the last message is the other participant's and newer than the viewer's marker.
    hasUnreadMessages: !!last && last.userId !== viewerId && last.createdAt > conversation.messagesReadAt,
    unreadCount: conversation.unreadCount,
    otherParticipantReadAt: conversation.otherMessagesReadAt.toISOString(),
  };
}
