import type { PoolClient, QueryResult } from 'pg';

/** An outbox row's columns, as pg returns them (bigints as text). */
export interface StoredOutboxRow {
  user_id: string;
  seq: string;
  type: string;
  message_id: string | null;
  conversation_id: string | null;
  actor_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

/** One taken outbox row, with the message it refers to (null when it is gone). */
export interface OutboxRow {
  userId: string;
  seq: number;
  type: string;
  createdAt: Date;
  message: { id: string; content: string; userId: string; conversationId: string; createdAt: Date } | null;
  read: { conversationId: string; readerId: string; readAt: Date } | null;
  /** The row as stored, to put it back (restoreRows). */
  stored: StoredOutboxRow;
}

export interface OutboxKey {
  userId: string;
  seq: number;
}

interface TakenRow extends StoredOutboxRow {
  content: string | null;
  sender_id: string | null;
  message_conversation_id: string | null;
  message_created_at: Date | null;
}

const COLUMNS = 'user_id, seq, type, message_id, conversation_id, actor_id, read_at, created_at';

/**
 * Opens the cycle's transaction and takes up to `limit` rows in it, oldest commits
 * first, skipping rows another relay holds: they are deleted, but only for this
 * transaction until it commits, so a rollback (or a crash) puts them all back. One
 * round trip: BEGIN, the setting, and the statement go as one simple query. The limit
 * applies before the join, so a long backlog costs one sort of the table, not a join
 * of all of it.
 */
export async function beginAndTakeRows(client: PoolClient, limit: number): Promise<OutboxRow[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`invalid batch size ${limit}`);
  const results = (await client.query(
    // Losing this transaction's commit in a crash only brings its rows back, to be
    // appended again as duplicates: no need to wait for the WAL to reach the disk.
    `BEGIN;
     SET LOCAL synchronous_commit TO off;
     WITH claimed AS (
       SELECT user_id, seq FROM outbox_events
       ORDER BY created_at, user_id, seq
       LIMIT ${limit}
       FOR UPDATE SKIP LOCKED
     ), taken AS (
       DELETE FROM outbox_events o USING claimed c
       WHERE o.user_id = c.user_id AND o.seq = c.seq
       RETURNING o.*
     )
     SELECT t.*, m.content, m.user_id AS sender_id, m.conversation_id AS message_conversation_id,
            m.created_at AS message_created_at
     FROM taken t LEFT JOIN messages m ON m.id = t.message_id`,
  )) as unknown as QueryResult<TakenRow>[];
  return results[2]!.rows.map((row) => ({
    userId: row.user_id,
    seq: Number(row.seq),
    type: row.type,
    createdAt: row.created_at,
    message:
      row.message_id !== null && row.content !== null
        ? {
            id: row.message_id,
            content: row.content,
            userId: row.sender_id!,
            conversationId: row.message_conversation_id!,
            createdAt: row.message_created_at!,
          }
        : null,
    read:
      row.conversation_id !== null && row.actor_id !== null && row.read_at !== null
        ? { conversationId: row.conversation_id, readerId: row.actor_id, readAt: row.read_at }
        : null,
    stored: {
      user_id: row.user_id,
      seq: row.seq,
      type: row.type,
      message_id: row.message_id,
      conversation_id: row.conversation_id,
      actor_id: row.actor_id,
      read_at: row.read_at,
      created_at: row.created_at,
    },
  }));
}

/** Puts taken rows back, as they were, in the same transaction (they stay queued). */
export async function restoreRows(client: PoolClient, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO outbox_events (${COLUMNS})
     SELECT ${COLUMNS} FROM json_populate_recordset(NULL::outbox_events, $1)`,
    [JSON.stringify(rows.map((row) => row.stored))],
  );
}

/** The users among `keys` that still have a row before the given seq, held by another relay. */
export async function usersWithEarlierRows(client: PoolClient, keys: readonly OutboxKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await client.query<{ user_id: string }>(
    `SELECT k.user_id FROM unnest($1::bigint[], $2::bigint[]) AS k (user_id, seq)
     WHERE EXISTS (SELECT 1 FROM outbox_events o WHERE o.user_id = k.user_id AND o.seq < k.seq)`,
    [keys.map((k) => k.userId), keys.map((k) => k.seq)],
  );
  return new Set(rows.map((row) => row.user_id));
}
