import { Prisma, type Database } from '#libs/db';
import type { ConversationRecord } from './records';

interface ConversationRow {
  id: bigint;
  created_at: Date;
  messages_read_at: Date;
  other_messages_read_at: Date;
  other_id: bigint;
  other_username: string;
  other_avatar_url: string | null;
  message_id: bigint | null;
  message_content: string | null;
  message_user_id: bigint | null;
  message_created_at: Date | null;
  unread_count: number;
}

/**
 * A page position: the last activity (the last message's time, or the conversation's
 * creation time while it has none) and the id of the previous page's last conversation.
 */
export interface ConversationKey {
  activeAt: Date;
  conversationId: string;
}

/**
 * Unread counts stop at this many: a badge shows "99+" past 99, and the count costs at
 * most this many index entries per listed conversation.
 */
export const UNREAD_COUNT_CAP = 100;

// When a conversation was last active: its last message, or its start while it has none.
const ACTIVE_AT = Prisma.sql`COALESCE(m.created_at, c.created_at)`;

/**
 * The viewer's conversations matching `filter`, most recent activity first, at most
 * `limit`: the viewer's participation, the conversation, the other participant, the
 * last message and the unread count, one row each. The page is chosen first and the
 * unread messages counted for its rows only (bounded by UNREAD_COUNT_CAP, on the
 * messages index by conversation and time), so a page costs one query whatever the
 * number of conversations or unread messages.
 */
function selectConversations(db: Database, userId: string, filter: Prisma.Sql, limit: number) {
  return db.$queryRaw<ConversationRow[]>`
    WITH page AS (
      SELECT c.id, c.created_at, me.messages_read_at, op.messages_read_at AS other_messages_read_at,
             other.id AS other_id, other.username AS other_username, other.avatar_url AS other_avatar_url,
             m.id AS message_id, m.content AS message_content, m.user_id AS message_user_id,
             m.created_at AS message_created_at, ${ACTIVE_AT} AS active_at
      FROM participants me
      JOIN conversations c ON c.id = me.conversation_id
      JOIN participants op ON op.conversation_id = c.id AND op.user_id <> me.user_id
      JOIN users other ON other.id = op.user_id
      LEFT JOIN messages m ON m.id = c.last_message_id
      WHERE me.user_id = ${BigInt(userId)} ${filter}
      ORDER BY active_at DESC, c.id DESC
      LIMIT ${limit}
    )
    SELECT page.*, unread.count AS unread_count
    FROM page
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS count FROM (
        SELECT 1 FROM messages u
        WHERE u.conversation_id = page.id AND u.created_at > page.messages_read_at AND u.user_id = page.other_id
        LIMIT ${UNREAD_COUNT_CAP}
      ) capped
    ) unread
    ORDER BY page.active_at DESC, page.id DESC`;
}

function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    id: String(row.id),
    createdAt: row.created_at,
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
    unreadCount: row.unread_count,
  };
}

export function createConversationRepository(db: Database) {
  /**
   * Creates the conversation of a pair with its two participants, or finds the one the
   * pair already has, and marks it started by `userId` (listed for them from now on).
   * The unique index on the ordered pair settles concurrent starts in either direction:
   * the loser's insert waits for the winner's commit, does nothing, and then updates
   * the winner's row.
   */
  async function findOrCreateForPair(userId: string, otherUserId: string): Promise<{ id: string; created: boolean }> {
    const [low, high] = BigInt(userId) < BigInt(otherUserId) ? [userId, otherUserId] : [otherUserId, userId];
    const inserted = await db.$queryRaw<{ id: bigint }[]>`
      WITH created AS (
        INSERT INTO conversations (user_low_id, user_high_id) VALUES (${BigInt(low)}::bigint, ${BigInt(high)}::bigint)
        ON CONFLICT (user_low_id, user_high_id) DO NOTHING
        RETURNING id
      ), joined AS (
        INSERT INTO participants (user_id, conversation_id, started)
        SELECT u.id, created.id, u.id = ${BigInt(userId)}::bigint
        FROM created, (VALUES (${BigInt(low)}::bigint), (${BigInt(high)}::bigint)) AS u (id)
      )
      SELECT id FROM created`;
    if (inserted[0]) return { id: String(inserted[0].id), created: true };
    const existing = await db.$queryRaw<{ id: bigint }[]>`
      UPDATE participants p SET started = true
      FROM conversations c
      WHERE c.user_low_id = ${BigInt(low)} AND c.user_high_id = ${BigInt(high)}
        AND p.conversation_id = c.id AND p.user_id = ${BigInt(userId)}
      RETURNING c.id`;
    if (!existing[0]) throw new Error('conversation vanished between insert and update');
    return { id: String(existing[0].id), created: false };
  }

  /** The conversation as `userId` sees it, or undefined when missing or not theirs. */
  async function findForUser(conversationId: string, userId: string): Promise<ConversationRecord | undefined> {
    const rows = await selectConversations(db, userId, Prisma.sql`AND c.id = ${BigInt(conversationId)}`, 1);
    return rows[0] && toConversationRecord(rows[0]);
  }

  /**
   * The other participant of a conversation of `userId`'s, or undefined when it is
   * missing or not theirs: the participant check of the routes that need no more.
   */
  async function findOtherParticipantId(conversationId: string, userId: string): Promise<string | undefined> {
    const rows = await db.$queryRaw<{ other_id: bigint }[]>`
      SELECT op.user_id AS other_id
      FROM participants me
      JOIN participants op ON op.conversation_id = me.conversation_id AND op.user_id <> me.user_id
      WHERE me.conversation_id = ${BigInt(conversationId)} AND me.user_id = ${BigInt(userId)}`;
    return rows[0] && String(rows[0].other_id);
  }

  /** Where a page after this conversation starts, or undefined when it is not a listed conversation of the user's. */
  async function findPageKey(conversationId: string, userId: string): Promise<ConversationKey | undefined> {
    const rows = await db.$queryRaw<{ active_at: Date }[]>`
      SELECT ${ACTIVE_AT} AS active_at
      FROM participants me
      JOIN conversations c ON c.id = me.conversation_id
      LEFT JOIN messages m ON m.id = c.last_message_id
      WHERE me.user_id = ${BigInt(userId)} AND me.conversation_id = ${BigInt(conversationId)}
        AND (c.last_message_id IS NOT NULL OR me.started)`;
    return rows[0] && { activeAt: rows[0].active_at, conversationId };
  }

  /**
   * The user's conversations that have a message or that they started, most recent
   * activity first. Keyset on (last activity, conversation id), which is unique, so
   * pages never skip or repeat.
   */
  async function listForUser(userId: string, limit: number, before?: ConversationKey): Promise<ConversationRecord[]> {
    const after = before
      ? Prisma.sql`AND (${ACTIVE_AT}, c.id) < (${before.activeAt}::timestamptz, ${BigInt(before.conversationId)})`
      : Prisma.empty;
    const rows = await selectConversations(
      db,
      userId,
      Prisma.sql`AND (c.last_message_id IS NOT NULL OR me.started) ${after}`,
      limit,
    );
    return rows.map(toConversationRecord);
  }

  return { findOrCreateForPair, findForUser, findOtherParticipantId, findPageKey, listForUser };
}

export type ConversationRepository = ReturnType<typeof createConversationRepository>;
