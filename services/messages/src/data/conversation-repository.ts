import { Prisma } from '../../../../libs/db/generated/client';
import type { Database } from '../../../../libs/db/prisma-client-factory';
import type { ConversationRecord } from './records';

interface ConversationRow {
  id: bigint;
  messages_read_at: Date;
  other_messages_read_at: Date;
  other_id: bigint;
  other_username: string;
  other_avatar_url: string | null;
  message_id: bigint | null;
  message_content: string | null;
  message_user_id: bigint | null;
  message_created_at: Date | null;
}

/** A page position: the (createdAt, id) of the last message of the previous page's last conversation. */
export interface ConversationKey {
  createdAt: Date;
  messageId: string;
}

// The viewer's participation, the conversation, the other participant and the last
// message, in one row. Everything after FROM is completed by the callers.
const SELECT_CONVERSATION = Prisma.sql`
  SELECT c.id, me.messages_read_at, op.messages_read_at AS other_messages_read_at,
         other.id AS other_id, other.username AS other_username, other.avatar_url AS other_avatar_url,
         m.id AS message_id, m.content AS message_content, m.user_id AS message_user_id, m.created_at AS message_created_at
  FROM participants me
  JOIN conversations c ON c.id = me.conversation_id
  JOIN participants op ON op.conversation_id = c.id AND op.user_id <> me.user_id
  JOIN users other ON other.id = op.user_id`;

function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    id: String(row.id),
    messagesReadAt: row.messages_read_at,
    otherMessagesReadAt: row.other_messages_read_at,
    otherParticipant: { id: String(row.other_id), username: row.other_username, avatarUrl: row.other_avatar_url },
    lastMessage:
      row.message_id === null
        ? null
        : {
            id: String(row.message_id),
            content: row.message_content ?? '',
            userId: String(row.message_user_id),
            conversationId: String(row.id),
            createdAt: row.message_created_at as Date,
          },
  };
}

export function createConversationRepository(db: Database) {
  /**
   * Creates the conversation of a pair with its two participants, or finds the one the
   * pair already has. The unique index on the ordered pair settles concurrent starts in
   * either direction: the loser's insert waits for the winner's commit, does nothing,
   * and then reads the winner's row.
   */
  async function findOrCreateForPair(userId: string, otherUserId: string): Promise<{ id: string; created: boolean }> {
    const [low, high] = BigInt(userId) < BigInt(otherUserId) ? [userId, otherUserId] : [otherUserId, userId];
    const inserted = await db.$queryRaw<{ id: bigint }[]>`
      WITH created AS (
        INSERT INTO conversations (user_low_id, user_high_id) VALUES (${BigInt(low)}::bigint, ${BigInt(high)}::bigint)
        ON CONFLICT (user_low_id, user_high_id) DO NOTHING
        RETURNING id
      ), joined AS (
        INSERT INTO participants (user_id, conversation_id)
        SELECT u.id, created.id FROM created, (VALUES (${BigInt(low)}::bigint), (${BigInt(high)}::bigint)) AS u (id)
      )
      SELECT id FROM created`;
    if (inserted[0]) return { id: String(inserted[0].id), created: true };
    const existing = await db.conversation.findUnique({
      where: { userLowId_userHighId: { userLowId: BigInt(low), userHighId: BigInt(high) } },
      select: { id: true },
    });
    if (!existing) throw new Error('conversation vanished between insert and select');
    return { id: String(existing.id), created: false };
  }

  /** The conversation as `userId` sees it, or undefined when missing or not theirs. */
  async function findForUser(conversationId: string, userId: string): Promise<ConversationRecord | undefined> {
    const rows = await db.$queryRaw<ConversationRow[]>`
      ${SELECT_CONVERSATION}
      LEFT JOIN messages m ON m.id = c.last_message_id
      WHERE me.user_id = ${BigInt(userId)} AND me.conversation_id = ${BigInt(conversationId)}`;
    return rows[0] && toConversationRecord(rows[0]);
  }

  /** Where a page after this conversation starts, or undefined when it is not a listed conversation of the user's. */
  async function findPageKey(conversationId: string, userId: string): Promise<ConversationKey | undefined> {
    const rows = await db.$queryRaw<{ id: bigint; created_at: Date }[]>`
      SELECT m.id, m.created_at
      FROM participants me
      JOIN conversations c ON c.id = me.conversation_id
      JOIN messages m ON m.id = c.last_message_id
      WHERE me.user_id = ${BigInt(userId)} AND me.conversation_id = ${BigInt(conversationId)}`;
    return rows[0] && { createdAt: rows[0].created_at, messageId: String(rows[0].id) };
  }

  /**
   * The user's conversations that have a message, most recent activity first. Keyset on
   * the last message's (created_at, id), which is unique, so pages never skip or repeat.
   */
  async function listForUser(userId: string, limit: number, before?: ConversationKey): Promise<ConversationRecord[]> {
    const after = before
      ? Prisma.sql`AND (m.created_at, m.id) < (${before.createdAt}::timestamptz, ${BigInt(before.messageId)})`
      : Prisma.empty;
    const rows = await db.$queryRaw<ConversationRow[]>`
      ${SELECT_CONVERSATION}
      JOIN messages m ON m.id = c.last_message_id
      WHERE me.user_id = ${BigInt(userId)} ${after}
      ORDER BY m.created_at DESC, m.id DESC
      LIMIT ${limit}`;
    return rows.map(toConversationRecord);
  }

  return { findOrCreateForPair, findForUser, findPageKey, listForUser };
}

export type ConversationRepository = ReturnType<typeof createConversationRepository>;
