import type { Redis } from 'ioredis';
import type { EventChannels } from './channels';
import { compareCursors, isCursor } from './cursor';
import { isEventType } from './event-codec';
import type { EventEnvelope } from './event-types';

export type ReplayResult =
  | { kind: 'replay'; events: EventEnvelope[]; latestCursor: string }
  | { kind: 'resync'; reason: string; latestCursor: string };

const START = '0-0';

/**
 * Reads a user's event log for resuming a stream.
 *
 * `latest(userId)` is the newest cursor (or "0-0" for an empty log): a new
 * connection starts from it, so it can later be caught up exactly.
 *
 * `since(userId, cursor)` returns every event after `cursor`, oldest first, when the
 * log can prove that nothing after it was lost. Otherwise it answers `resync`:
 *  - the log is gone (expired after being idle, or Redis lost its data) while the
 *    client saw events;
 *  - entries after the cursor were trimmed (the client is further behind than the log
 *    keeps);
 *  - the cursor is older than the log's first entry although nothing was trimmed:
 *    the log was recreated, so the cursor comes from before a data loss;
 *  - the cursor is newer than anything in the log (unknown to this Redis).
 * A cursor of "0-0" means "before any event": valid as long as nothing was trimmed.
 */
export function createEventLogReader(redis: Redis, channels: EventChannels) {
  async function latest(userId: string): Promise<string> {
    const entries = await redis.xrevrange(channels.userLog(userId), '+', '-', 'COUNT', 1);
    return entries[0]?.[0] ?? START;
  }

  async function since(userId: string, cursor: string): Promise<ReplayResult> {
    if (!isCursor(cursor)) return { kind: 'resync', reason: 'malformed cursor', latestCursor: START };
    const key = channels.userLog(userId);
    // One MULTI, so the bounds checked and the entries read are the same snapshot.
    const results = await redis.multi().xinfo('STREAM', key).xrange(key, `(${cursor}`, '+').exec();
    const [infoResult, rangeResult] = results ?? [];
    if (!infoResult || infoResult[0]) {
      // No such key: an empty log. Only a client that never saw an event is complete.
      return cursor === START
        ? { kind: 'replay', events: [], latestCursor: START }
        : { kind: 'resync', reason: 'event log is gone', latestCursor: START };
    }
    const info = pairs(infoResult[1] as unknown[]);
    const lastId = String(info['last-generated-id']);
    if (compareCursors(cursor, lastId) > 0)
      return { kind: 'resync', reason: 'cursor is unknown', latestCursor: lastId };
    const firstId = (info['first-entry'] as [string, unknown] | null)?.[0];
    if (firstId && compareCursors(cursor, firstId) < 0 && !nothingMissingBetween(cursor, info)) {
      // Entries between the cursor and the log's first one are gone: trimmed, or never
      // in this log because it was recreated (Redis lost its data, or the log expired).
      const trimmed = Number(info['entries-added']) > Number(info.length);
      if (trimmed) return { kind: 'resync', reason: 'cursor is older than the replay window', latestCursor: lastId };
      // "0-0" (before any event) is complete as long as nothing was trimmed.
      if (cursor !== START) return { kind: 'resync', reason: 'cursor predates the event log', latestCursor: lastId };
    }
    const events: EventEnvelope[] = [];
    for (const [id, fields] of rangeResult?.[1] as [string, string[]][]) {
      const entry = pairs(fields);
      if (isEventType(entry.type) && typeof entry.data === 'string') {
        events.push({ cursor: id, type: entry.type, data: entry.data });
      }
    }
    return { kind: 'replay', events, latestCursor: lastId };
  }

  return { latest, since };
}

export type EventLogReader = ReturnType<typeof createEventLogReader>;

/**
 * Whether the cursor is exactly where trimming stopped: Redis 7.2+ records the newest
 * trimmed id as max-deleted-entry-id (7.0 leaves it at 0-0 when trimming), and
 * nothing lies between it and the first entry.
 */
function nothingMissingBetween(cursor: string, info: Record<string, unknown>): boolean {
  const maxDeleted = String((info['max-deleted-entry-id'] as string | undefined) ?? START);
  return maxDeleted !== START && compareCursors(cursor, maxDeleted) >= 0;
}

function pairs(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
