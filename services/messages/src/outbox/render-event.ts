import type { AppendRequest } from '#libs/events';
import { presentMessage, presentReadReceipt } from '../domain/presenters';
import type { OutboxRow } from './outbox-store';

/**
 * An outbox row as the event its user receives, rendered by the same presenters the
 * REST API answers with, so an event and a REST answer can never differ in shape.
 * Undefined when the row cannot be rendered: its message was deleted since (with its
 * sender), or its type is unknown.
 */
export function renderEvent(row: OutboxRow): AppendRequest | undefined {
  const base = { userId: row.userId, seq: row.seq, ts: row.createdAt.getTime() };
  if (row.type === 'message' && row.message) {
    return { ...base, type: 'message', data: JSON.stringify(presentMessage(row.message, row.userId)) };
  }
  if (row.type === 'read' && row.read) {
    const { conversationId, readerId, readAt } = row.read;
    return { ...base, type: 'read', data: JSON.stringify(presentReadReceipt(conversationId, readerId, readAt)) };
  }
  return undefined;
}
