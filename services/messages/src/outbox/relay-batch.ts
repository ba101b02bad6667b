import type { Pool } from 'pg';
import type { AppendRequest, EventAppender } from '#libs/events';
import { beginAndTakeRows, restoreRows, usersWithEarlierRows, type OutboxRow } from './outbox-store';
import { renderEvent } from './render-event';

export interface BatchReport {
  /** Rows claimed. */
  claimed: number;
  /** Rows Redis confirmed (appended, or already had), now deleted. */
  relayed: number;
  /** Rows deleted without an event: their message is gone (see render-event.ts). */
  undeliverable: number;
  /** Rows put back for a later cycle: an earlier row of their user is still queued. */
  waiting: number;
  /**
   * Users whose next event was appended under a new epoch, so their streams resync: Redis
   * had lost events it acknowledged, or an earlier event was dropped (undeliverable).
   */
  newEpochs: number;
  /** Rows put back because Redis answered their append with an error; `error` is the first. */
  failed: number;
  error?: Error;
}

/**
 * One relay cycle, in one PostgreSQL transaction: take rows (FOR UPDATE SKIP LOCKED, so
 * relays of several processes share the work without doing any twice; deleted, but
 * only for this transaction), render them, append them all to Redis in one pipeline,
 * put back the rows Redis did not take, commit. The deletion of a row is committed only
 * after Redis confirmed it, and the append is idempotent (a row relayed again is a
 * `duplicate`), so a crash or a failure anywhere only means the rows are taken again
 * later. Throws (after rolling back) when the pipeline or PostgreSQL failed as a whole.
 * Two round trips to PostgreSQL when nothing goes wrong.
 *
 * A `gap` (an earlier event of the user is not in Redis yet) has two causes:
 *  - the earlier row is still queued: another relay holds it, or its append failed in
 *    this batch; this row is put back and waits for a later cycle, so the order holds;
 *  - no earlier row is queued, so Redis confirmed them all, and yet its log does not
 *    reach them: Redis lost entries it had acknowledged (a restart from an append-only
 *    file that lacked its last second). Waiting would never end, so the row is appended
 *    again allowing a new epoch: the user's streams get one `resync`.
 */
export async function relayBatch(pool: Pool, appender: EventAppender, limit: number): Promise<BatchReport> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for errors of idle clients only; a connection lost while this one
  // is checked out (waiting on Redis, say) would otherwise end the process.
  const onConnectionError = (error: Error) => (broken ??= error);
  client.on('error', onConnectionError);
  try {
    const rows = await beginAndTakeRows(client, limit);
    const report: BatchReport = {
      claimed: rows.length,
      relayed: 0,
      undeliverable: 0,
      newEpochs: 0,
      waiting: 0,
      failed: 0,
    };
    // Per user in seq order: Redis runs a pipeline's scripts in the order sent.
    rows.sort((a, b) => (a.userId === b.userId ? a.seq - b.seq : a.userId < b.userId ? -1 : 1));
    const events: { row: OutboxRow; event: AppendRequest }[] = [];
    for (const row of rows) {
      const event = renderEvent(row);
      if (event) events.push({ row, event });
      else report.undeliverable += 1;
    }

    const kept: OutboxRow[] = [];
    const gapped: typeof events = [];
    const settle = async (batch: typeof events) => {
      const outcomes = await appender.appendAll(batch.map((item) => item.event));
      outcomes.forEach((outcome, i) => {
        if (outcome.error) {
          report.failed += 1;
          report.error ??= outcome.error;
          kept.push(batch[i]!.row);
        } else if (outcome.status === 'gap') {
          gapped.push(batch[i]!);
        } else {
          report.relayed += 1;
        }
      });
    };
    if (events.length > 0) await settle(events);

    if (gapped.length > 0) {
      const retry = gapped.splice(0);
      const failedUsers = new Set(kept.map((row) => row.userId));
      const heldElsewhere = await usersWithEarlierRows(
        client,
        firstOfEachUser(retry, (item) => item.row.userId).map((item) => item.row),
      );
      const waiting = retry.filter(({ row }) => failedUsers.has(row.userId) || heldElsewhere.has(row.userId));
      const lost = retry.filter((item) => !waiting.includes(item));
      kept.push(...waiting.map((item) => item.row));
      if (lost.length > 0) {
        const starting = new Set(firstOfEachUser(lost, (item) => item.row.userId));
        await settle(
          lost.map((item) => (starting.has(item) ? { ...item, event: { ...item.event, allowNewEpoch: true } } : item)),
        );
        // Counted once Redis took them: a failed append is retried, and counted, by a later cycle.
        const keptRows = new Set(kept);
        report.newEpochs = [...starting].filter((item) => !keptRows.has(item.row)).length;
        kept.push(...gapped.map((item) => item.row));
      }
      report.waiting = kept.length - report.failed;
    }
    await restoreRows(client, kept);
    await client.query('COMMIT');
    return report;
  } catch (error) {
    broken ??= error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', onConnectionError);
    // A client whose query failed may be unusable (PostgreSQL restarted): discard it.
    client.release(broken);
  }
}

/** The first item of each user in a list sorted by user. */
function firstOfEachUser<T>(items: readonly T[], userIdOf: (item: T) => string): T[] {
  return items.filter((item, i) => i === 0 || userIdOf(items[i - 1]!) !== userIdOf(item));
}
