import type { Conversation, Message } from '#libs/contract';

/** When a conversation was last active: its last message, or its start while it has none. */
export function activeAt(conversation: Conversation): string {
  return conversation.lastMessage?.createdAt ?? conversation.createdAt;
}

/** Orders conversations most recently active first, ties by id (the order the server pages them in). */
export function compareConversations(a: Conversation, b: Conversation): number {
  const byTime = Date.parse(activeAt(b)) - Date.parse(activeAt(a));
  return byTime !== 0 ? byTime : compareIds(b.id, a.id);
}

/** Orders messages by (createdAt, id), the order the server pages them in. */
export function compareMessages(a: Message, b: Message): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byTime !== 0) return byTime;
  return compareIds(a.id, b.id);
}

/** Ids are decimal strings of 64-bit integers: compare them as numbers, not text. */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
