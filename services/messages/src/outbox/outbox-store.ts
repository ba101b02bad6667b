import type { PoolClient } from 'pg';

/** One claimed outbox row, with the message it refers to (null when it is gone). */
export interface OutboxRow {
  userId: string;
  seq: number;
  type: string;
  createdAt: Date;
  message: { id: string; content: string; userId: string; conversationId: string; createdAt: Date } | null;
  read: { conversationId: string; readerId: string; readAt: Date } | null;
}

export interface OutboxKey {
  userId: string;
  seq: number;
}

interface ClaimedRow {
  user_id: string;
  seq: string;
  type: string;
  created_at: Date;
  message_id: string | null;
  content: string | null;
  sender_id: string | null;
  message_conversation_id: string | null;
  message_created_at: Date | null;
  conversation_id: string | null;
  actor_id: string | null;
  read_at: Date | null;
}

/**
 * Claims up to `limit` rows, oldest commits first, skipping rows another relay holds;
 * they stay locked until the caller's transaction ends. The limit applies before the
 * join, so a long backlog costs one sort of the table, not a join of all of it.
 */
export async function claimRows(client: PoolClient, limit: number): Promise<OutboxRow[]> {
  const { rows } = await client.query<ClaimedRow>(
    `WITH claimed AS (
       SELECT * FROM outbox_events
       ORDER BY created_at, user_id, seq
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     )
     SELECT c.user_id, c.seq, c.type, c.created_at, c.message_id, c.conversation_id, c.actor_id, c.read_at,
            m.content, m.user_id AS sender_id, m.conversation_id AS message_conversation_id,
            m.created_at AS message_created_at
     FROM claimed c LEFT JOIN messages m ON m.id = c.message_id`,
    [limit],
  );
  return rows.map((row) => ({
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
  }));
}

export async function deleteRows(client: PoolClient, keys: readonly OutboxKey[]): Promise<void> {
  if (keys.length === 0) return;
  await client.query(
    `DELETE FROM outbox_events o
     USING unnest($1::bigint[], $2::bigint[]) AS done (user_id, seq)
     WHERE o.user_id = done.user_id AND o.seq = done.seq`,
    [keys.map((k) => k.userId), keys.map((k) => k.seq)],
  );
}

/** The users among `keys` that still have a row before the given seq (another relay holds it, or it failed). */
export async function usersWithEarlierRows(client: PoolClient, keys: readonly OutboxKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await client.query<{ user_id: string }>(
    `SELECT k.user_id FROM unnest($1::bigint[], $2::bigint[]) AS k (user_id, seq)
     WHERE EXISTS (SELECT 1 FROM outbox_events o WHERE o.user_id = k.user_id AND o.seq < k.seq)`,
    [keys.map((k) => k.userId), keys.map((k) => k.seq)],
  );
  return new Set(rows.map((row) => row.user_id));
}
