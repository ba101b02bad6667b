import { notFound, validationFailed } from '#libs/http';
import type { MessageRepository } from '../data/message-repository';
import type { MessageRecord } from '../data/records';
import { MAX_CONTENT_LENGTH, contentLength, hasVisibleContent, normaliseContent } from './content-normaliser';

/**
 * `eventsCommitted` is called after a write that queued events (for the receiver and
 * the sender's other tabs and devices, or a read receipt) has committed: it wakes the
 * outbox relay, synchronously and without waiting for it. Requests never wait on Redis.
 */
export function createMessageService(messages: MessageRepository, eventsCommitted: () => void) {
  /**
   * Stores a message with its events for both participants. With a `clientId` the
   * sender already used, nothing is stored or queued again: the answer is the message
   * stored the first time (`created` false), so a client can retry a send whose answer
   * it never got.
   */
  async function send(
    conversationId: string,
    senderId: string,
    rawContent: string,
    clientId?: string,
  ): Promise<{ message: MessageRecord; created: boolean }> {
    const content = normaliseContent(rawContent);
    if (!hasVisibleContent(content)) throw validationFailed({ content: 'must not be empty' });
    // PostgreSQL text cannot hold NUL: refused here rather than failing the insert with a 500.
    if (content.includes('\u0000')) throw validationFailed({ content: 'must not contain NUL characters' });
    const length = contentLength(content);
    if (length > MAX_CONTENT_LENGTH) {
      throw validationFailed({ content: `must be at most ${MAX_CONTENT_LENGTH} characters (got ${length})` });
    }
    const sent = await messages.insert(conversationId, senderId, content, clientId);
    if (!sent) return { message: await findRetried(conversationId, senderId, clientId), created: false };
    eventsCommitted();
    return { message: sent, created: true };
  }

  /** Why an insert stored nothing: the message of an earlier try, or a conversation that is not the sender's. */
  async function findRetried(conversationId: string, senderId: string, clientId?: string): Promise<MessageRecord> {
    const earlier = clientId ? await messages.findByClientId(senderId, clientId) : undefined;
    if (!earlier) throw notFound('Conversation not found');
    if (earlier.conversationId !== conversationId) {
      throw validationFailed({ clientId: 'was already used for a message in another conversation' });
    }
    return earlier;
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

  /** A page of messages, newest first. Reading marks the conversation as read, unless `markAsRead` is false. */
  async function list(
    conversationId: string,
    readerId: string,
    limit: number,
    before?: string,
    markAsRead = true,
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
    if (markAsRead) await markRead(conversationId, readerId);
    else if (!(await messages.isParticipant(conversationId, readerId))) throw notFound('Conversation not found');
    return messages.listPage(conversationId, limit, key);
  }

  return { send, markRead, list };
}

export type MessageService = ReturnType<typeof createMessageService>;
