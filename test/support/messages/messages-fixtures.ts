import type { Database } from '#libs/db';

/**
 * Rows the API cannot produce on purpose, written straight to PostgreSQL: messages
 * that share a timestamp, to prove keyset paging exact.
 */
export async function insertMessagesAt(
  db: Database,
  conversationId: string,
  rows: { userId: string; content: string; createdAt: Date }[],
): Promise<{ id: string; createdAt: Date }[]> {
  const created = await db.message.createManyAndReturn({
    data: rows.map((row) => ({
      conversationId: BigInt(conversationId),
      userId: BigInt(row.userId),
      content: row.content,
      createdAt: row.createdAt,
    })),
    select: { id: true, createdAt: true },
  });
  const newest = [...created].sort(byNewest)[0];
  if (newest) {
    // Like the service: the pointer only ever moves to a newer message.
    await db.$executeRaw`
      UPDATE conversations c SET last_message_id = ${newest.id}::bigint
      WHERE c.id = ${BigInt(conversationId)} AND NOT EXISTS (
        SELECT 1 FROM messages last WHERE last.id = c.last_message_id
          AND (last.created_at, last.id) > (${newest.createdAt}::timestamptz, ${newest.id}::bigint))`;
  }
  return created.map((m) => ({ id: String(m.id), createdAt: m.createdAt }));
}

/** Newest first on (createdAt, id): the order both listings promise. */
export function byNewest(
  a: { id: bigint | string; createdAt: Date },
  b: { id: bigint | string; createdAt: Date },
): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x < y ? 1 : x > y ? -1 : 0;
}
