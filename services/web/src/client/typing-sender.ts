import { hasVisibleContent, TYPING_INTERVAL_MS } from '#libs/contract';

/**
 * Tells the other participant that the user is typing: at most one notice per
 * conversation every TYPING_INTERVAL_MS, the rate the API accepts (it answers 429 to
 * more), sent when the text in the box changes and is not empty. The box empties itself
 * when a message is sent, so nothing follows a send until the person types again.
 * One for the whole session, not one per page: leaving a conversation and coming back
 * must not reset the interval the server counts.
 */
export function createTypingSender(post: (conversationId: string) => Promise<unknown>, now = () => Date.now()) {
  const nextAllowedAt = new Map<string, number>();
  return {
    /** The person changed the text in `conversationId`'s box; `text` is what it holds now. */
    textChanged(conversationId: string, text: string): void {
      if (!hasVisibleContent(text)) return;
      const time = now();
      if (time < (nextAllowedAt.get(conversationId) ?? 0)) return;
      nextAllowedAt.set(conversationId, time + TYPING_INTERVAL_MS);
      // A notice is a hint: a 429 (another tab of this user just sent one), a network
      // error or a server without it costs nothing visible, and the next keystroke after
      // the interval tries again.
      post(conversationId).catch(() => {});
    },
  };
}

export type TypingSender = ReturnType<typeof createTypingSender>;
