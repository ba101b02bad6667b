import type { Redis } from 'ioredis';
import type { EventChannels } from './channels';
import { NEW_EPOCH_LUA } from './epoch-lua';
import type { EventType } from '#libs/contract';

/**
 * Appends one event to its user's capped log (a Redis Stream, entry id `<seq>-0`) and
 * publishes it on the user's channel, in one Lua script, so the two never disagree and
 * a retry never duplicates: every published event is replayable, and the log takes
 * the user's sequence numbers in order only.
 *
 * The user's head (`epoch`, `base`, `top`) says where the log stands:
 *  - seq <= top: `duplicate` (a retry of something already appended): nothing is written
 *    or published;
 *  - seq == top + 1: appended;
 *  - seq > top + 1: `gap` (an earlier event is still on its way), unless the caller says
 *    the earlier ones are gone for good (`allowNewEpoch`): then a new epoch starts;
 *  - no head (the user's first event, the head expired, or Redis lost its data): a new
 *    epoch starts. A head without `top` (started by a stream for a user with no events)
 *    keeps its epoch and starts here.
 *  - but a log with no event yet cannot prove that a seq above 1 comes next: the events
 *    before it may still be on their way (another relay holds them), and starting the
 *    log after them would make them duplicates, never delivered. So that is a `gap` too,
 *    unless the caller knows the earlier ones are gone for good (`allowNewEpoch`).
 * Starting an epoch deletes the old log and sets `base` to seq - 1: the log then holds
 * exactly the events after `base`. A log that refuses the entry (written by something
 * else) is replaced the same way.
 *
 * The log keeps at least the last `maxEvents` events (MAXLEN ~ trims whole nodes only)
 * and disappears `logTtlSeconds` after the user's last event; the head lives
 * `headTtlSeconds`, longer, so a client that has everything still knows it has.
 *
 * KEYS: log, head, channel. ARGV: seq, type, data (JSON), ts (ms), maxEvents, logTtl,
 * headTtl, allowNewEpoch ("1" or "0"). Returns {status, cursor}.
 */
const APPEND_SCRIPT = `${NEW_EPOCH_LUA}
local seq = tonumber(ARGV[1])
local head = redis.call('HMGET', KEYS[2], 'epoch', 'top')
local epoch, top = head[1], tonumber(head[2])
if epoch and top then
  if seq <= top then return {'duplicate', epoch .. ':' .. ARGV[1]} end
  if seq > top + 1 and ARGV[8] ~= '1' then return {'gap', epoch .. ':' .. head[2]} end
elseif seq > 1 and ARGV[8] ~= '1' then
  return {'gap', (epoch or '0') .. ':0'}
end
local function startLog(started)
  if started then
    epoch = started
    redis.call('HSET', KEYS[2], 'epoch', epoch)
  end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'base', seq - 1)
end
if not epoch or (top and seq ~= top + 1) then
  startLog(newEpoch())
elseif not top then
  startLog(nil)
end
local fields = {'type', ARGV[2], 'data', ARGV[3], 'ts', ARGV[4]}
local added = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], ARGV[1] .. '-0', unpack(fields))
if type(added) == 'table' and added.err then
  startLog(newEpoch())
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], ARGV[1] .. '-0', unpack(fields))
end
redis.call('HSET', KEYS[2], 'top', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[7])
local cursor = epoch .. ':' .. ARGV[1]
-- The one PUBLISH: the wire format of event-types.ts.
redis.call('PUBLISH', KEYS[3], '{"type":"' .. ARGV[2] .. '","cursor":"' .. cursor .. '","ts":' .. ARGV[4] .. ',"data":' .. ARGV[3] .. '}')
return {'appended', cursor}
`;

export interface EventLogOptions {
  maxEvents: number;
  logTtlSeconds: number;
  headTtlSeconds: number;
}

export interface AppendRequest {
  userId: string;
  seq: number;
  type: EventType;
  /** The event's data as JSON text (an object). */
  data: string;
  /** When the event was committed, in ms. */
  ts: number;
  /** The events before `seq` are gone for good: on a gap, start a new epoch instead of refusing. */
  allowNewEpoch?: boolean;
}

export type AppendStatus = 'appended' | 'duplicate' | 'gap';

/** The script's answer, or the error Redis gave for this one event. */
export type AppendOutcome = { status: AppendStatus; cursor: string; error?: undefined } | { error: Error };

type AppendingRedis = Redis & {
  messengerAppend(...args: (string | number)[]): Promise<[AppendStatus, string]>;
};

export function createEventAppender(redis: Redis, channels: EventChannels, options: EventLogOptions) {
  if (!('messengerAppend' in redis)) {
    redis.defineCommand('messengerAppend', { numberOfKeys: 3, lua: APPEND_SCRIPT });
  }
  const client = redis as AppendingRedis;

  function argsOf(event: AppendRequest): (string | number)[] {
    return [
      channels.userLog(event.userId),
      channels.userHead(event.userId),
      channels.userChannel(event.userId),
      event.seq,
      event.type,
      event.data,
      event.ts,
      options.maxEvents,
      options.logTtlSeconds,
      options.headTtlSeconds,
      event.allowNewEpoch ? '1' : '0',
    ];
  }

  /** Appends one event. */
  async function append(event: AppendRequest): Promise<{ status: AppendStatus; cursor: string }> {
    const [status, cursor] = await client.messengerAppend(...argsOf(event));
    return { status, cursor };
  }

  /**
   * Appends many events in one pipeline: one round trip, and Redis runs the scripts in
   * the order given, so events of one user given in seq order are appended in order.
   * Rejects only when the pipeline as a whole failed; otherwise one outcome per event.
   */
  async function appendAll(events: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const pipeline = client.pipeline() as unknown as {
      messengerAppend(...args: (string | number)[]): void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const event of events) pipeline.messengerAppend(...argsOf(event));
    const results = await pipeline.exec();
    if (!results) throw new Error('the Redis pipeline was discarded');
    return results.map(([error, reply]) => {
      if (error) return { error };
      const [status, cursor] = reply as [AppendStatus, string];
      return { status, cursor };
    });
  }

  return { append, appendAll };
}

export type EventAppender = ReturnType<typeof createEventAppender>;
