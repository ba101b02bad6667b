import type { Redis } from 'ioredis';
import type { EventChannels } from './channels';
import type { EventDataByType, EventType } from './event-types';

/**
 * Appends an event to the user's capped event log (a Redis Stream) and publishes it
 * on the user's channel, in one Lua script so the two can never disagree: every
 * published event is replayable, and its cursor is its log entry id.
 *
 * The log keeps at least the last `maxEvents` events (MAXLEN ~ trims only whole
 * nodes, never below the bound), and disappears `ttlSeconds` after the user's last
 * event, so idle users cost nothing.
 */
const PUBLISH_SCRIPT = `
local cursor = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'type', ARGV[1], 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], '{"type":"' .. ARGV[1] .. '","cursor":"' .. cursor .. '","data":' .. ARGV[2] .. '}')
return cursor
`;

export interface EventLogOptions {
  maxEvents: number;
  ttlSeconds: number;
}

export interface PublishedEvent {
  userId: string;
  cursor: string;
}

type PublishingRedis = Redis & {
  messengerPublish(
    log: string,
    channel: string,
    type: string,
    data: string,
    maxEvents: number,
    ttl: number,
  ): Promise<string>;
};

export function createEventPublisher(redis: Redis, channels: EventChannels, options: EventLogOptions) {
  if (!('messengerPublish' in redis)) {
    redis.defineCommand('messengerPublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
  }
  const client = redis as PublishingRedis;

  /** Publishes one event to one user; resolves with its cursor. */
  async function publish<T extends EventType>(
    userId: string,
    type: T,
    data: EventDataByType[T],
  ): Promise<PublishedEvent> {
    const cursor = await client.messengerPublish(
      channels.userLog(userId),
      channels.userChannel(userId),
      type,
      JSON.stringify(data),
      options.maxEvents,
      options.ttlSeconds,
    );
    return { userId, cursor };
  }

  return { publish };
}

export type EventPublisher = ReturnType<typeof createEventPublisher>;
