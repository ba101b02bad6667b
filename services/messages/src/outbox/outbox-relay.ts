import type { Pool } from 'pg';
import { TimeoutError, withTimeout } from '#libs/async';
import type { EventAppender } from '#libs/events';
import type { Logger } from '#libs/logger';
import { relayBatch, type BatchReport } from './relay-batch';

export interface OutboxRelaySettings {
  /** Rows per cycle. Defaults to 500. */
  batchSize?: number;
  /**
   * Cycles start at most this often while nudges keep coming. Defaults to 1 ms: a busy
   * service still relays many events per cycle, since nudges that come while a cycle
   * runs wait for it to end; a longer gap only adds to every event's lag (5 ms cost a
   * millisecond at the median and more at the tail, bench/README.md).
   */
  minIntervalMs?: number;
  /** The safety net: a cycle this often without a nudge (rows of another instance, or of a crash). Defaults to 500 ms. */
  pollMs?: number;
  /** After a failed cycle the next waits this long, doubling up to `maxBackoffMs`. Defaults to 100 ms. */
  minBackoffMs?: number;
  /** Defaults to 2000 ms. */
  maxBackoffMs?: number;
  /** How long `stop()` lets a running cycle finish. Defaults to 3000 ms. */
  stopTimeoutMs?: number;
}

/**
 * Moves committed events from the outbox table to Redis, one cycle at a time
 * (relay-batch.ts), for as long as the process runs.
 *
 * - `nudge()` after each commit that queued events: a cycle starts at once (at most one
 *   per `minIntervalMs`), or, while one runs, another follows it; never two at once.
 *   Synchronous and cheap: requests call it and never wait on Redis.
 * - A cycle also runs every `pollMs`, and again soon while cycles come back full.
 * - A failed cycle (Redis or PostgreSQL unreachable) keeps its rows; the next one waits
 *   100 ms, doubling up to 2 s, and nudges do not shorten the wait, so a dead Redis
 *   costs one cheap cycle per backoff, not one per request.
 * - Logs one line when cycles start failing (a backlog begins, with the error) and one
 *   when the backlog has drained (rows relayed meanwhile, and how long it took); never
 *   one per row or per retry.
 */
export function createOutboxRelay(options: {
  pool: Pool;
  appender: EventAppender;
  logger: Logger;
  settings?: OutboxRelaySettings;
  /** Counts for the service's metrics: events relayed, users' new epochs, and cycles that failed. */
  metrics?: { relayed(count: number): void; newEpochs(count: number): void; failed(): void };
}) {
  const { pool, appender, logger, metrics } = options;
  const batchSize = options.settings?.batchSize ?? 500;
  const minIntervalMs = options.settings?.minIntervalMs ?? 1;
  const pollMs = options.settings?.pollMs ?? 500;
  const minBackoffMs = options.settings?.minBackoffMs ?? 100;
  const maxBackoffMs = options.settings?.maxBackoffMs ?? 2000;
  const stopTimeoutMs = options.settings?.stopTimeoutMs ?? 3000;

  // One timer: the next cycle, due at `dueAt`.
  let timer: NodeJS.Timeout | undefined;
  let dueAt = 0;
  let lastStart = 0;
  let running: Promise<void> | undefined;
  let runAgain = false;
  let backoffMs = 0;
  let stopped = false;
  let backlog: { since: number; relayed: number } | undefined;

  function nudge(): void {
    if (stopped) return;
    if (running) runAgain = true;
    else if (backoffMs === 0) wakeSoon();
  }

  /** The next cycle as soon as the minimum interval allows. */
  function wakeSoon(): void {
    wakeIn(Math.max(0, lastStart + minIntervalMs - Date.now()));
  }

  /** Sets the next cycle `ms` from now, unless one is due sooner (or `replace`). */
  function wakeIn(ms: number, replace = false): void {
    if (stopped) return;
    const at = Date.now() + ms;
    if (timer && !replace && dueAt <= at) return;
    clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(startCycle, ms);
  }

  function startCycle(): void {
    timer = undefined;
    if (stopped) return;
    runAgain = false;
    lastStart = Date.now();
    running = relayBatch(pool, appender, batchSize).then(succeeded, failed);
  }

  function succeeded(report: BatchReport): void {
    running = undefined;
    if (report.relayed > 0) metrics?.relayed(report.relayed);
    if (report.newEpochs > 0) metrics?.newEpochs(report.newEpochs);
    if (report.error) return failed(report.error);
    backoffMs = 0;
    if (backlog) {
      backlog.relayed += report.relayed;
      if (report.claimed < batchSize && report.waiting === 0) {
        logger.info({ rows: backlog.relayed, ms: Date.now() - backlog.since }, 'outbox backlog drained');
        backlog = undefined;
      }
    }
    if (runAgain || report.claimed === batchSize) wakeSoon();
    else wakeIn(pollMs);
  }

  function failed(error: Error): void {
    running = undefined;
    metrics?.failed();
    if (!backlog) {
      backlog = { since: Date.now(), relayed: 0 };
      logger.warn({ err: error.message }, 'outbox relay failing; events wait in PostgreSQL until it recovers');
    }
    backoffMs = backoffMs === 0 ? minBackoffMs : Math.min(backoffMs * 2, maxBackoffMs);
    wakeIn(backoffMs, true);
  }

  /** Starts relaying: at once, for rows left by an earlier run. */
  function start(): void {
    wakeIn(0);
  }

  /** Stops scheduling cycles and lets a running one finish (bounded). Rows left are taken by the next start. */
  async function stop(): Promise<void> {
    stopped = true;
    clearTimeout(timer);
    if (!running) return;
    // A cycle that outlasts the deadline is left to finish on its own.
    await withTimeout(running, stopTimeoutMs).catch((error: unknown) => {
      if (!(error instanceof TimeoutError)) throw error;
    });
  }

  return { start, nudge, stop };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
