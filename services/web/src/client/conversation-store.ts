import type { Conversation, Message, PresenceState, ReadReceipt } from '#libs/contract';
import { compareConversations, compareMessages } from './ordering';

/**
 * The user's conversations as the page knows them, shared by every page (the title's
 * unread count needs them everywhere). Updates are idempotent merges, so REST answers
 * and live events can arrive in any order: a conversation keeps whichever last
 * message is newer, whichever source it came from.
 */
export function createConversationStore() {
  const byId = new Map<string, Conversation>();
  // When the other participant last read each conversation, from REST answers
  // (`otherParticipantReadAt`, so "Seen" survives a reload) and live `read` events.
  const seenAt = new Map<string, string>();
  const listeners = new Set<() => void>();
  let hasMore = false;
  let lastPageCursor: string | undefined;

  function changed() {
    for (const listener of listeners) listener();
  }

  /** Keeps the later read marker, whichever source it came from; true when it moved. */
  function noteSeen(conversationId: string, readAt: string | undefined): boolean {
    if (!readAt) return false;
    const previous = seenAt.get(conversationId);
    if (previous && Date.parse(previous) >= Date.parse(readAt)) return false;
    seenAt.set(conversationId, readAt);
    return true;
  }

  function merge(incoming: Conversation) {
    noteSeen(incoming.id, incoming.otherParticipantReadAt);
    const known = byId.get(incoming.id);
    if (known?.lastMessage && (!incoming.lastMessage || compareMessages(known.lastMessage, incoming.lastMessage) > 0)) {
      // Ours is newer (a live event the REST answer predates): keep it and its unread state.
      byId.set(incoming.id, {
        ...incoming,
        lastMessage: known.lastMessage,
        hasUnreadMessages: known.hasUnreadMessages,
        unreadCount: known.unreadCount,
      });
    } else {
      byId.set(incoming.id, incoming);
    }
  }

  return {
    has: (conversationId: string) => byId.has(conversationId),
    get: (conversationId: string) => byId.get(conversationId),
    hasMore: () => hasMore,
    nextPageCursor: () => lastPageCursor,

    /** A page of conversations from the API (`first` for the newest page). */
    addPage(page: Conversation[], pageSize: number, first: boolean) {
      for (const conversation of page) merge(conversation);
      if (first && lastPageCursor !== undefined) {
        // A refetch of the first page after a resync keeps the paging position of older pages.
      } else {
        lastPageCursor = page.at(-1)?.id ?? lastPageCursor;
        hasMore = page.length === pageSize;
      }
      changed();
    },

    upsert(conversation: Conversation) {
      merge(conversation);
      changed();
    },

    /**
     * A message sent or received: it becomes the last message, and one more unread
     * message when it is the other participant's. Returns false when the conversation
     * is not known yet (the caller fetches it once).
     */
    applyMessage(message: Message): boolean {
      const known = byId.get(message.conversationId);
      if (!known) return false;
      if (known.lastMessage && compareMessages(known.lastMessage, message) >= 0) return true;
      byId.set(known.id, {
        ...known,
        lastMessage: message,
        // My own message moves my read marker (the server does the same).
        hasUnreadMessages: !message.mine,
        unreadCount: message.mine ? 0 : known.unreadCount + 1,
      });
      changed();
      return true;
    },

    markRead(conversationId: string) {
      const known = byId.get(conversationId);
      if (!known || (!known.hasUnreadMessages && known.unreadCount === 0)) return;
      byId.set(conversationId, { ...known, hasUnreadMessages: false, unreadCount: 0 });
      changed();
    },

    applyRead(event: ReadReceipt) {
      if (noteSeen(event.conversationId, event.readAt)) changed();
    },

    seenAt: (conversationId: string) => seenAt.get(conversationId),

    /**
     * A user's presence (a live `presence` event or a watch's answer): every
     * conversation with them as the other participant shows it. A server with presence
     * off sends neither, so conversations without the fields keep none.
     */
    applyPresence({ userId, online, lastSeenAt }: PresenceState) {
      let moved = false;
      for (const conversation of byId.values()) {
        const other = conversation.otherParticipant;
        if (other.id !== userId || (other.online === online && other.lastSeenAt === lastSeenAt)) continue;
        byId.set(conversation.id, { ...conversation, otherParticipant: { ...other, online, lastSeenAt } });
        moved = true;
      }
      if (moved) changed();
    },

    /** Most recent activity first, as the API orders them (started conversations without a message too). */
    list(): Conversation[] {
      return [...byId.values()].sort(compareConversations);
    },

    /** Unread messages over every conversation (the tab title's count). */
    unreadCount(): number {
      let count = 0;
      for (const conversation of byId.values()) {
        count += Math.max(conversation.unreadCount, conversation.hasUnreadMessages ? 1 : 0);
      }
      return count;
    },

    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    reset() {
      byId.clear();
      seenAt.clear();
      hasMore = false;
      lastPageCursor = undefined;
      changed();
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
