/** What was typed and not sent, per conversation, for as long as the session lasts in this tab. */
export function createDrafts() {
  const byConversation = new Map<string, string>();
  return {
    get: (conversationId: string) => byConversation.get(conversationId) ?? '',
    set(conversationId: string, text: string) {
      if (text) byConversation.set(conversationId, text);
      else byConversation.delete(conversationId);
    },
  };
}

export type Drafts = ReturnType<typeof createDrafts>;
