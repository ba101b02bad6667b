import { notFound, validationFailed } from '../../../../libs/http/app-error';
import type { MessageRepository } from '../data/message-repository';
import type { MessageRecord } from '../data/records';
import { MAX_CONTENT_LENGTH, contentLength, hasVisibleContent, normaliseContent } from './content-normaliser';

/**
 * `eventsCommitted` is called after a write that queued events (for the receiver and
 * the sender's other tabs and devices, or a read receipt) has committed: it wakes the
 * outbox relay, synchronously and without waiting for it. Requests never wait on Redis.
 */
export function createMessageService(messages: MessageRepository, eventsCommitted: () => void) {
  /** Stores a message with its events for both participants. */
  async function send(conversationId: string, senderId: string, rawContent: string): Promise<MessageRecord> {
    const content = normaliseContent(rawContent);
    if (!hasVisibleContent(content)) throw validationFailed({ content: 'must not be empty' });
    // PostgreSQL text cannot hold NUL: refused here rather than failing the insert with a 500.
    if (content.includes('\u0000')) throw validationFailed({ content: 'must not contain NUL characters' });
    const length = contentLength(content);
    if (length > MAX_CONTENT_LENGTH) {
      throw validationFailed({ content: `must be at most ${MAX_CONTENT_LENGTH} characters (got ${length})` });
    }
    const sent = await messages.insert(conversationId, senderId, content);
    if (!sent) throw notFound('Conversation not found');
    eventsCommitted();
    return sent;
  }

  /**
   * Moves the reader's marker to the newest message and, when it moved, sends the other
   * participant a read receipt (queued with the change). 404 when the reader is not a participant.
   */
  async function markRead(conversationId: string, readerId: string): Promise<void> {
    const result = await messages.markRead(conversationId, readerId);
    if (!result) throw notFound('Conversation not found');
    if (result.movedTo) eventsCommitted();
  }

  /** A page of messages, newest first. Reading marks the conversation as read. */
  async function list(
    conversationId: string,
    readerId: string,
    limit: number,
    before?: string,
  ): Promise<MessageRecord[]> {
    let key;
    if (before) {
      key = await messages.findKey(conversationId, before);
      // Checked before marking read, so a bad request changes nothing.
      if (!key) {
        if (!(await messages.isParticipant(conversationId, readerId))) throw notFound('Conversation not found');
        throw validationFailed({ before: 'must be the id of a message of this conversation' });
      }
    }
    await markRead(conversationId, readerId);
    return messages.listPage(conversationId, limit, key);
  }

  return { send, markRead, list };
}

export type MessageService = ReturnType<typeof createMessageService>;
