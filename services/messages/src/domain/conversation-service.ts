import { forbidden, notFound, validationFailed } from '#libs/http';
import type { ConversationRepository } from '../data/conversation-repository';
import type { ConversationRecord, UserRecord } from '../data/records';
import type { UserRepository } from '../data/user-repository';

export function createConversationService(conversations: ConversationRepository, users: UserRepository) {
  /** The conversation of the caller and `username`, created when the pair has none yet. */
  async function start(
    caller: UserRecord,
    username: string,
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    const other = await users.findByUsername(username);
    if (!other) throw notFound(`No user named ${username}`, 'user_not_found');
    if (other.id === caller.id) throw forbidden('You cannot start a conversation with yourself');
    const { id, created } = await conversations.findOrCreateForPair(caller.id, other.id);
    const conversation = await conversations.findForUser(id, caller.id);
    if (!conversation) throw new Error(`conversation ${id} not readable after start`);
    return { conversation, created };
  }

  async function get(conversationId: string, callerId: string): Promise<ConversationRecord> {
    const conversation = await conversations.findForUser(conversationId, callerId);
    if (!conversation) throw notFound('Conversation not found');
    return conversation;
  }

  /**
   * A page of the caller's conversations. `before` is the last conversation of the
   * previous page; one that is not the caller's, or is not listed (no message, and not
   * started by the caller), is a 422 (it cannot have been on a page).
   */
  async function list(callerId: string, limit: number, before?: string): Promise<ConversationRecord[]> {
    let key;
    if (before) {
      key = await conversations.findPageKey(before, callerId);
      if (!key) throw validationFailed({ before: 'must be the id of a conversation in your list' });
    }
    return conversations.listForUser(callerId, limit, key);
  }

  return { start, get, list };
}

export type ConversationService = ReturnType<typeof createConversationService>;
