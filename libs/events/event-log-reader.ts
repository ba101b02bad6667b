import type { EventChannels } from './channels';
import { formatCursor, parseCursor } from './cursor';
import { NEW_EPOCH_LUA } from './epoch-lua';
import { isEventType } from './event-codec';
import type { EventEnvelope } from './event-types';
import type { RedisClient } from '#libs/redis';

export type ReplayResult =
  | { kind: 'replay'; events: EventEnvelope[]; latestCursor: string }
  | { kind: 'resync'; reason: string; latestCursor: string };

/**
 * The user's newest cursor, `<epoch>:<top>`. A user without a head (no event yet, or
 * none for longer than the head lives, or Redis lost it) gets one started, without
 * events: `<epoch>:0`. That position is provable later: while the head lives, nothing
 * was lost since, and the relay's first append continues this epoch from there.
 * KEYS: head. ARGV: head TTL in seconds.
 */
const START_SCRIPT = `${NEW_EPOCH_LUA}
local head = redis.call('HMGET', KEYS[1], 'epoch', 'top')
if head[1] then return head[1] .. ':' .. (head[2] or '0') end
local epoch = newEpoch()
redis.call('HSET', KEYS[1], 'epoch', epoch)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return epoch .. ':0'
`;

/**
 * The head and the entries from a sequence number on, read atomically (one snapshot):
 * `{epoch, base, top, entries}`, '' for a field the head lacks, or nothing at all
 * without a head. One script rather than MULTI/HMGET/XRANGE/EXEC: every stream's
 * catch-up runs it, and the four commands with their pipeline left enough garbage per
 * connect to show in the memory of 10,000 fresh streams (bench/README.md, change 5).
 * Both keys carry the user's hash tag, so on a cluster the script runs on one node. KEYS: head, log. ARGV: the first entry id to read.
 */
const READ_SCRIPT = `
local head = redis.call('HMGET', KEYS[1], 'epoch', 'base', 'top')
if not head[1] then return {} end
return {head[1], head[2] or '', head[3] or '', redis.call('XRANGE', KEYS[2], ARGV[1], '+')}
`;

type LogEntries = [string, string[]][];

type LogReadingRedis = RedisClient & {
  messengerStart(head: string, ttl: number): Promise<string>;
  messengerRead(head: string, log: string, from: string): Promise<[] | [string, string, string, LogEntries]>;
};

/**
 * Reads a user's event log for resuming a stream.
 *
 * `latest(userId)` is the user's newest cursor: a new connection starts from it, so
 * it can later be caught up exactly.
 *
 * `since(userId, cursor)` returns every event after `cursor`, oldest first, when the
 * log can prove that nothing after it is missing; otherwise `resync`, with the newest
 * cursor. Sequence numbers are gapless per user, so the proof is arithmetic: the
 * events the client lacks are `cursor.seq + 1 … top`, and the log must hold them all.
 *  - same epoch: nothing when the cursor is the top; `cursor is unknown` past the top;
 *    else the log from seq + 1 (from base + 1 for seq 0, the start of the epoch), or
 *    `cursor is older than the replay window` when its first entries were trimmed or
 *    the log expired;
 *  - another epoch (the log was started again, e.g. after Redis lost its data) whose
 *    base is exactly the cursor's seq: the new log continues where the client is, so
 *    it is replayed the same way. The none cursor `0:0` is such a cursor for a log
 *    whose base is 0;
 *  - any other cursor of another epoch: `cursor predates the event log`;
 *  - no head at all: `event log is gone`;
 *  - not a cursor: `malformed cursor`.
 */
export function createEventLogReader(
  redis: RedisClient,
  channels: EventChannels,
  options: { cursorTtlSeconds: number },
) {
  if (!('messengerStart' in redis)) {
    redis.defineCommand('messengerStart', { numberOfKeys: 1, lua: START_SCRIPT });
    redis.defineCommand('messengerRead', { numberOfKeys: 2, lua: READ_SCRIPT });
  }
  const client = redis as LogReadingRedis;

  function latest(userId: string): Promise<string> {
    return client.messengerStart(channels.userHead(userId), options.cursorTtlSeconds);
  }

  async function since(userId: string, cursorText: string): Promise<ReplayResult> {
    const cursor = parseCursor(cursorText);
    if (!cursor) return { kind: 'resync', reason: 'malformed cursor', latestCursor: await latest(userId) };
    const read = await client.messengerRead(channels.userHead(userId), channels.userLog(userId), `${cursor.seq + 1}-0`);
    if (read.length === 0) return { kind: 'resync', reason: 'event log is gone', latestCursor: await latest(userId) };
    const [epoch, baseText, topText, entries] = read;
    const resync = (reason: string, latestCursor: string): ReplayResult => ({ kind: 'resync', reason, latestCursor });
    if (!topText) {
      // Started for a stream; no event yet.
      const latestCursor = formatCursor(epoch, 0);
      if (cursor.epoch !== epoch) return resync('cursor predates the event log', latestCursor);
      if (cursor.seq !== 0) return resync('cursor is unknown', latestCursor);
      return { kind: 'replay', events: [], latestCursor };
    }
    const top = Number(topText);
    const base = Number(baseText || 0);
    const latestCursor = formatCursor(epoch, top);
    let first: number;
    if (cursor.epoch === epoch) {
      if (cursor.seq === top) return { kind: 'replay', events: [], latestCursor };
      if (cursor.seq > top || (cursor.seq !== 0 && cursor.seq < base)) return resync('cursor is unknown', latestCursor);
      first = Math.max(cursor.seq, base) + 1;
    } else if (cursor.seq === base) {
      first = base + 1;
    } else {
      return resync('cursor predates the event log', latestCursor);
    }
    const events = toEnvelopes(entries, epoch);
    if (events[0]?.seq !== first) return resync('cursor is older than the replay window', latestCursor);
    return { kind: 'replay', events, latestCursor };
  }

  return { latest, since };
}

export type EventLogReader = ReturnType<typeof createEventLogReader>;

/** Log entries (`<seq>-0` → type, data, ts) as envelopes of `epoch`; entries that are not events are skipped. */
function toEnvelopes(entries: LogEntries, epoch: string): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (const [id, fields] of entries) {
    const entry: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]!] = fields[i + 1]!;
    const seq = Number(id.slice(0, id.indexOf('-')));
    if (!isEventType(entry.type) || entry.data === undefined) continue;
    events.push({
      type: entry.type,
      cursor: formatCursor(epoch, seq),
      epoch,
      seq,
      ts: Number(entry.ts),
      data: entry.data,
    });
  }
  return events;
}
