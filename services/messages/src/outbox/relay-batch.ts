import type { Pool } from 'pg';
import type { AppendOutcome, AppendRequest, EventAppender } from '../../../../libs/events/event-appender';
import { claimRows, deleteRows, usersWithEarlierRows, type OutboxKey } from './outbox-store';
import { renderEvent } from './render-event';

export interface BatchReport {
  /** Rows claimed. */
  claimed: number;
  /** Rows Redis confirmed (appended, or already had), now deleted. */
  relayed: number;
  /** Rows deleted without an event: their message is gone (see render-event.ts). */
  undeliverable: number;
  /** Rows kept for a later cycle: an earlier row of their user is still pending. */
  waiting: number;
  /** Rows kept because Redis answered their append with an error; `error` is the first. */
  failed: number;
  error?: Error;
}

/**
 * One relay cycle, in one PostgreSQL transaction: claim rows (FOR UPDATE SKIP LOCKED,
 * so relays of several processes share the work without doing any twice), render
 * them, append them all to Redis in one pipeline, delete the rows Redis confirmed,
 * commit. Nothing is deleted before Redis confirmed it, and the append is idempotent
 * (a row relayed again is a `duplicate`), so a crash or a failure anywhere only means
 * the rows are claimed again later. Throws (after rolling back) when the pipeline or
 * PostgreSQL failed as a whole.
 *
 * A `gap` (an earlier event of the user is not in Redis yet) has two causes:
 *  - another relay holds the earlier row, or it failed in this batch: it is still in
 *    the table, so this row waits for a later cycle and the order is kept;
 *  - the earlier rows are all deleted, so Redis confirmed them, and yet its log does
 *    not reach them: Redis lost entries it had acknowledged (a restart from an
 *    append-only file that lacked its last second). Waiting would never end, so the
 *    row is appended again allowing a new epoch: the user's streams get one `resync`.
 */
export async function relayBatch(pool: Pool, appender: EventAppender, limit: number): Promise<BatchReport> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for errors of idle clients only; a connection lost while this one
  // is checked out (waiting on Redis, say) would otherwise end the process.
  const onConnectionError = (error: Error) => (broken ??= error);
  client.on('error', onConnectionError);
  try {
    await client.query('BEGIN');
    // Losing this commit in a crash only brings rows back, to be appended again as
    // duplicates: no need to wait for the WAL to reach the disk.
    await client.query('SET LOCAL synchronous_commit TO off');
    const rows = await claimRows(client, limit);
    const report: BatchReport = { claimed: rows.length, relayed: 0, undeliverable: 0, waiting: 0, failed: 0 };
    // Per user in seq order: Redis runs a pipeline's scripts in the order sent.
    rows.sort((a, b) => (a.userId === b.userId ? a.seq - b.seq : a.userId < b.userId ? -1 : 1));
    const confirmed: OutboxKey[] = [];
    const events: AppendRequest[] = [];
    for (const row of rows) {
      const event = renderEvent(row);
      if (event) events.push(event);
      else confirmed.push(row);
    }
    report.undeliverable = confirmed.length;

    const gapped: AppendRequest[] = [];
    const settle = (batch: AppendRequest[], outcomes: AppendOutcome[]) => {
      outcomes.forEach((outcome, i) => {
        if (outcome.error) {
          report.failed += 1;
          report.error ??= outcome.error;
        } else if (outcome.status === 'gap') {
          gapped.push(batch[i]!);
        } else {
          confirmed.push(batch[i]!);
          report.relayed += 1;
        }
      });
    };
    if (events.length > 0) settle(events, await appender.appendAll(events));

    if (gapped.length > 0) {
      const retry = gapped.splice(0);
      // Rows this batch confirmed are not "pending": delete them before asking.
      await deleteRows(client, confirmed.splice(0));
      const stillPending = await usersWithEarlierRows(client, firstOfEachUser(retry));
      const lost = retry.filter((event) => !stillPending.has(event.userId));
      report.waiting = retry.length - lost.length;
      if (lost.length > 0) {
        const again = lost.map((event, i) =>
          i === 0 || lost[i - 1]!.userId !== event.userId ? { ...event, allowNewEpoch: true } : event,
        );
        settle(again, await appender.appendAll(again));
        report.waiting += gapped.length;
      }
    }
    await deleteRows(client, confirmed);
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

/** The first event of each user in a list sorted by user. */
function firstOfEachUser(events: AppendRequest[]): AppendRequest[] {
  return events.filter((event, i) => i === 0 || events[i - 1]!.userId !== event.userId);
}
