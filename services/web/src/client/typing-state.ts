import { TYPING_DISPLAY_MS, type Message, type TypingNotice } from '#libs/contract';

/**
 * Who is typing in which conversation, from the stream's `typing` notices: a notice
 * shows for TYPING_DISPLAY_MS after the last one, or until a message from its sender
 * arrives in that conversation. Notices are only ever about the other participant (the
 * server never sends a user their own, and the app drops any about the user), and a
 * conversation has one other participant, so one typist per conversation.
 */
export function createTypingState(displayMs = TYPING_DISPLAY_MS) {
  const typists = new Map<string, { userId: string; timer: ReturnType<typeof setTimeout> }>();
  const listeners = new Set<(conversationId: string) => void>();

  function changed(conversationId: string) {
    for (const listener of listeners) listener(conversationId);
  }

  function stop(conversationId: string) {
    const typist = typists.get(conversationId);
    if (!typist) return;
    clearTimeout(typist.timer);
    typists.delete(conversationId);
    changed(conversationId);
  }

  return {
    /** A `typing` notice: shown (again) for the next `displayMs`. */
    noteTyping({ conversationId, userId }: TypingNotice): void {
      const known = typists.get(conversationId);
      if (known) clearTimeout(known.timer);
      const timer = setTimeout(() => stop(conversationId), displayMs);
      typists.set(conversationId, { userId, timer });
      // Listeners hear only of a change, so a live region is not announced again at every notice.
      if (known?.userId !== userId) changed(conversationId);
    },

    /** A message arrived: one from the other participant ends their typing at once. */
    noteMessage(message: Message): void {
      if (!message.mine) stop(message.conversationId);
    },

    /** The user typing in `conversationId` now, if any. */
    typist(conversationId: string): string | undefined {
      return typists.get(conversationId)?.userId;
    },

    /** `listener` hears the conversation whose typist appeared or went away; returns the unsubscribe. */
    subscribe(listener: (conversationId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** The session ended: no timer outlives it. */
    clear(): void {
      for (const conversationId of [...typists.keys()]) stop(conversationId);
    },
  };
}

export type TypingState = ReturnType<typeof createTypingState>;
