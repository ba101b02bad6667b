import type { Cluster } from 'ioredis';
import { groupByNode, type RedisClient } from '#libs/redis';
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
 * The log keeps at least the last `logMaxEvents` events (MAXLEN ~ trims whole nodes only)
 * and disappears `logTtlSeconds` after the user's last event; the head lives
 * `cursorTtlSeconds`, longer, so a client that has everything still knows it has.
 *
 * KEYS: log, head, channel. ARGV: seq, type, data (JSON), ts (ms), maxEvents, logTtl,
 * headTtl, allowNewEpoch ("1" or "0"). Returns {status, cursor}.
 *
 * On a Redis Cluster the publish is a sharded `SPUBLISH`: a classic `PUBLISH` is
 * broadcast over the cluster bus to every node, while a shard channel's message stays
 * on the shard that owns its slot, where the stream service subscribes (SSUBSCRIBE).
 * The channel is a declared key with the user's hash tag, in the same slot as the log
 * and the head, so the script stays atomic on one node.
 */
const appendScript = (publish: 'PUBLISH' | 'SPUBLISH') => `${NEW_EPOCH_LUA}
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
-- The one publish: the wire format of event-types.ts.
redis.call('${publish}', KEYS[3], '{"type":"' .. ARGV[2] .. '","cursor":"' .. cursor .. '","ts":' .. ARGV[4] .. ',"data":' .. ARGV[3] .. '}')
return {'appended', cursor}
`;

/** The fields of `config.events` a user's log needs (EVENTS_LOG_MAX_EVENTS, EVENTS_LOG_TTL_SECONDS, EVENTS_CURSOR_TTL_SECONDS). */
export interface EventLogOptions {
  logMaxEvents: number;
  logTtlSeconds: number;
  /** How long a user's head lives. */
  cursorTtlSeconds: number;
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

type AppendingRedis = RedisClient & {
  messengerAppend(...args: (string | number)[]): Promise<[AppendStatus, string]>;
};

export function createEventAppender(redis: RedisClient, channels: EventChannels, options: EventLogOptions) {
  // Chosen once, with the client: a client is either a cluster's or a standalone Redis's.
  if (!('messengerAppend' in redis)) {
    redis.defineCommand('messengerAppend', {
      numberOfKeys: 3,
      lua: appendScript(redis.isCluster ? 'SPUBLISH' : 'PUBLISH'),
    });
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
      options.logMaxEvents,
      options.logTtlSeconds,
      options.cursorTtlSeconds,
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
    if (!redis.isCluster) return appendPipelined(events);
    // A cluster pipeline must stay on one node: one per node, in parallel; a user's
    // events all go to the node of the user's slot, in the order given.
    const groups = groupByNode(redis as Cluster, events, (event) => channels.userHead(event.userId));
    const outcomes = new Array<AppendOutcome>(events.length);
    await Promise.all(
      groups.map(async (indexes) => {
        const results = await appendPipelined(indexes.map((i) => events[i]!));
        results.forEach((outcome, j) => (outcomes[indexes[j]!] = outcome));
      }),
    );
    // A failed node's pipeline errs without a MOVED (the connection closed, a failover
    // under way), so the client's slot map would still send the next cycle's appends to
    // the dead node: refresh it now.
    if (outcomes.some((outcome) => outcome.error)) (redis as Cluster).refreshSlotsCache();
    return outcomes;
  }

  async function appendPipelined(events: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const pipeline = client.pipeline() as unknown as {
      messengerAppend(...args: (string | number)[]): void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const event of events) pipeline.messengerAppend(...argsOf(event));
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      // On a cluster one node's pipeline failing fails only its events.
      if (!redis.isCluster) throw error;
      return events.map(() => ({ error: error as Error }));
    }
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
