import type { Conversation, Message, Participant, PresenceState, ReadReceipt, User } from '#libs/contract';
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

/** The other participant, with their presence when it is known (PRESENCE on, Redis answered). */
function presentParticipant(user: UserRecord, presence: PresenceState | undefined): Participant {
  if (!presence) return presentUser(user);
  return { ...presentUser(user), online: presence.online, lastSeenAt: presence.lastSeenAt };
}

export function presentConversation(
  conversation: ConversationRecord,
  viewerId: string,
  presence?: ReadonlyMap<string, PresenceState>,
): Conversation {
  const last = conversation.lastMessage;
  return {
    id: conversation.id,
    createdAt: conversation.createdAt.toISOString(),
    otherParticipant: presentParticipant(
      conversation.otherParticipant,
      presence?.get(conversation.otherParticipant.id),
    ),
    lastMessage: last ? presentMessage(last, viewerId) : null,
    // Unread: the last message is the other participant's and newer than the viewer's marker.
    hasUnreadMessages: !!last && last.userId !== viewerId && last.createdAt > conversation.messagesReadAt,
    unreadCount: conversation.unreadCount,
    otherParticipantReadAt: conversation.otherMessagesReadAt.toISOString(),
  };
}
