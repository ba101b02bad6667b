import type { PresenceState } from '#libs/contract';
import type { PresenceStore } from '#libs/events';
import { notFound, serviceUnavailable } from '#libs/http';
import type { Logger } from '#libs/logger';
import type { ConversationRepository } from '../data/conversation-repository';
import type { ConversationRecord } from '../data/records';

/**
 * Online and last seen of conversation partners (kept in Redis by the stream service),
 * or nothing at all with PRESENCE=off (`store` undefined).
 */
export function createPresenceService(
  store: PresenceStore | undefined,
  conversations: ConversationRepository,
  logger: Logger,
) {
  /**
   * The states of the conversations' other participants, by user id: one Redis round
   * trip for the whole page. Empty with PRESENCE=off, and when Redis cannot answer: a
   * page is worth more without presence than not at all (the fields are then absent).
   */
  async function statesFor(records: readonly ConversationRecord[]): Promise<Map<string, PresenceState>> {
    if (!store || records.length === 0) return new Map();
    const userIds = [...new Set(records.map((record) => record.otherParticipant.id))];
    try {
      return await store.read(userIds);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'presence not read; answering without it');
      return new Map();
    }
  }

  /**
   * Registers the caller as a watcher of the conversation partner's presence for
   * PRESENCE_WATCH_TTL_MS (they get a `presence` event on each change meanwhile) and
   * answers the partner's state.
   */
  async function watch(conversationId: string, callerId: string): Promise<PresenceState> {
    if (!store) throw notFound('Presence is off on this server', 'presence_off');
    const otherId = await conversations.findOtherParticipantId(conversationId, callerId);
    if (!otherId) throw notFound('Conversation not found');
    try {
      return await store.watch(callerId, otherId);
    } catch {
      throw serviceUnavailable('Presence is unavailable right now', 'redis_unavailable', 1);
    }
  }

  return { statesFor, watch };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
