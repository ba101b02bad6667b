import type { Pool } from 'pg';
import type { Database } from '#libs/db';
import type { MessageRecord } from './records';
import { retryOnceOnConflict } from './retry-on-conflict';
import { SEND_STATEMENT, SEND_STATEMENT_NAME, type SentMessageRow } from './send-statement';

export interface ReadResult {
  /** The new marker when it moved, otherwise null. */
  movedTo: Date | null;
}

function toMessageRecord(row: SentMessageRow): MessageRecord {
  return {
    id: row.id,
    content: row.content,
    userId: row.user_id,
    conversationId: row.conversation_id,
    createdAt: row.created_at,
  };
}

/*
 * Events are written with their change, in the same statement (so the same
 * transaction): each affected user's event counter is bumped (upsert ... RETURNING) and
 * one outbox row takes the new number. The counter row stays locked until commit, so
 * a user's events are numbered without holes and in commit order; the relay
 * (src/outbox/) moves the rows to Redis.
 *
 * Lock order, the same in every statement, so none can wait on another in a cycle:
 * the conversation row (sends only), then the acting user's participant row, then the
 * counters in ascending user id. The counters' CTE reads the participant row's
 * RETURNING, which makes PostgreSQL run that UPDATE first (unreferenced CTEs would run
 * in no promised order), and ORDER BY feeds the upsert its rows sorted.
 */

function fromPrismaMessage(m: {
  id: bigint;
  content: string;
  userId: bigint;
  conversationId: bigint;
  createdAt: Date;
}): MessageRecord {
  return {
    id: String(m.id),
    content: m.content,
    userId: String(m.userId),
    conversationId: String(m.conversationId),
    createdAt: m.createdAt,
  };
}

/**
 * `pool` is the pg pool under `db`: the send statement runs on it directly, prepared
 * once per connection under a fixed name. Through Prisma's raw query the same statement
 * also pays for Prisma's query interpreter, its spans and argument mapping, on the
 * service's hottest path (bench/README.md, "Write path").
 */
export function createMessageRepository(db: Database, pool: Pool) {
  /**
   * Inserts a message, moves the conversation's last-message pointer and the sender's
   * read marker, and queues a `message` event for both participants: one statement, so
   * one transaction and one round trip.
   *
   * The statement and its guarantees: send-statement.ts.
   *
   * Returns undefined when the conversation does not exist or the sender is not in it,
   * or when the sender already has a message with this `clientId` (a retried send:
   * the caller looks it up with findByClientId).
   */
  function insert(
    conversationId: string,
    senderId: string,
    content: string,
    clientId: string | null = null,
  ): Promise<MessageRecord | undefined> {
    return retryOnceOnConflict(async () => {
      const { rows } = await pool.query<SentMessageRow>({
        name: SEND_STATEMENT_NAME,
        text: SEND_STATEMENT,
        values: [conversationId, senderId, content, clientId],
      });
      return rows[0] && toMessageRecord(rows[0]);
    });
  }

  /** The sender's message with this client id, whichever conversation it is in. */
  async function findByClientId(senderId: string, clientId: string): Promise<MessageRecord | undefined> {
    const found = await db.message.findUnique({
      where: { userId_clientId: { userId: BigInt(senderId), clientId } },
      select: { id: true, content: true, userId: true, conversationId: true, createdAt: true },
    });
    return found ? fromPrismaMessage(found) : undefined;
  }

  /** The (createdAt, id) key of a message of this conversation, for paging. */
  async function findKey(
    conversationId: string,
    messageId: string,
  ): Promise<{ createdAt: Date; id: string } | undefined> {
    const found = await db.message.findFirst({
      where: { id: BigInt(messageId), conversationId: BigInt(conversationId) },
      select: { id: true, createdAt: true },
    });
    return found ? { id: String(found.id), createdAt: found.createdAt } : undefined;
  }

  /** Newest first; strictly older than `before` on (createdAt, id) when given. */
  async function listPage(
    conversationId: string,
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<MessageRecord[]> {
    const rows = await db.message.findMany({
      where: {
        conversationId: BigInt(conversationId),
        ...(before && {
          OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: BigInt(before.id) } }],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(fromPrismaMessage);
  }

  /**
   * Moves the reader's marker to the newest message visible now (never backwards, and
   * never to "now": a message committing late stays unread) and, when it moved, queues
   * a `read` event for the other participant. Undefined when the user is not a participant.
   */
  function markRead(conversationId: string, readerId: string): Promise<ReadResult | undefined> {
    const conversation = BigInt(conversationId);
    const reader = BigInt(readerId);
    return retryOnceOnConflict(async () => {
      const rows = await db.$queryRaw<{ moved_to: Date | null }[]>`
        WITH newest AS (
          SELECT created_at FROM messages WHERE conversation_id = ${conversation}
          ORDER BY created_at DESC, id DESC LIMIT 1
        ), moved AS (
          UPDATE participants p SET messages_read_at = newest.created_at
          FROM newest
          WHERE p.user_id = ${reader} AND p.conversation_id = ${conversation} AND newest.created_at > p.messages_read_at
          RETURNING p.messages_read_at
        ), counted AS (
          INSERT INTO event_counters AS counter (user_id, last_seq)
          SELECT other.user_id, 1 FROM moved, participants other
          WHERE other.conversation_id = ${conversation} AND other.user_id <> ${reader}
          ON CONFLICT (user_id) DO UPDATE SET last_seq = counter.last_seq + 1
          RETURNING counter.user_id, counter.last_seq
        ), queued AS (
          INSERT INTO outbox_events (user_id, seq, type, conversation_id, actor_id, read_at)
          SELECT counted.user_id, counted.last_seq, 'read', ${conversation}::bigint, ${reader}::bigint, moved.messages_read_at
          FROM counted, moved
        )
        SELECT (SELECT messages_read_at FROM moved) AS moved_to
        FROM participants me
        WHERE me.user_id = ${reader} AND me.conversation_id = ${conversation}`;
      return rows[0] && { movedTo: rows[0].moved_to };
    });
  }

  async function isParticipant(conversationId: string, userId: string): Promise<boolean> {
    const found = await db.participant.findUnique({
      where: { userId_conversationId: { userId: BigInt(userId), conversationId: BigInt(conversationId) } },
      select: { userId: true },
    });
    return found !== null;
  }

  return { insert, findByClientId, findKey, listPage, markRead, isParticipant };
}

export type MessageRepository = ReturnType<typeof createMessageRepository>;
