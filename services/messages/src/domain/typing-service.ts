import { notFound, serviceUnavailable, tooManyRequests } from '#libs/http';
import type { TypingNotifier } from '#libs/events';
import type { ConversationRepository } from '../data/conversation-repository';

/**
 * "… is typing": a `typing` event to the conversation's other participant, at most one
 * per conversation and sender every TYPING_INTERVAL_MS, across every messages instance
 * (the gate is in Redis). Ephemeral: no outbox, no log, nothing in PostgreSQL.
 */
export function createTypingService(conversations: ConversationRepository, notifier: TypingNotifier) {
  async function typing(conversationId: string, senderId: string): Promise<void> {
    const receiverId = await conversations.findOtherParticipantId(conversationId, senderId);
    if (!receiverId) throw notFound('Conversation not found');
    let outcome;
    try {
      outcome = await notifier.notify(receiverId, { conversationId, userId: senderId });
    } catch {
      // Nothing to queue: a typing notice is worth nothing a few seconds later.
      throw serviceUnavailable('Typing notices are unavailable right now', 'redis_unavailable', 1);
    }
    if (!outcome.sent) {
      throw tooManyRequests(
        'A typing notice for this conversation was sent less than 3 seconds ago',
        'too_many_typing_notices',
        Math.ceil(outcome.retryAfterMs / 1000),
      );
    }
  }

  return { typing };
}

export type TypingService = ReturnType<typeof createTypingService>;
