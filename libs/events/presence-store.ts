import { PRESENCE_WATCH_TTL_MS, type PresenceState } from '#libs/contract';
import { batchBySlot, pipelineByNode, type RedisClient } from '#libs/redis';
import type { EventChannels } from './channels';
import { encodeEphemeral } from './event-types';
import { PRESENCE_UPDATE_LUA, PRESENCE_WATCH_LUA } from './presence-lua';

/** How long a user's last-seen time is kept after their last stream closed. */
export const LAST_SEEN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Users per update script call: enough that a connect burst or a heartbeat tick costs a
 * few calls, not hundreds; few enough that one call holds Redis for well under a
 * millisecond (about eight commands per user).
 */
const USERS_PER_UPDATE = 100;

/** One instance's entry for a user: alive until `aliveUntil` (ms), or 0 to remove it (their last stream here closed). */
export interface PresenceEntry {
  userId: string;
  aliveUntil: number;
}

/** A user went online or offline: tell `watchers` (each on their own channel). */
export interface PresenceTransition {
  state: PresenceState;
  watchers: string[];
}

type PresenceRedis = RedisClient & {
  messengerPresenceWatch(...args: (string | number)[]): Promise<string | null>;
};

interface PresencePipeline {
  messengerPresenceUpdate(...args: (string | number)[]): void;
  zrevrange(key: string, start: number, stop: number, withScores: 'WITHSCORES'): void;
}

/**
 * The users' presence in Redis (presence-lua.ts), for both services: the stream service
 * updates its entries and tells watchers of a transition; the messages service reads
 * the states of a page's participants and registers watchers. Every batch is one
 * pipeline: one round trip (one per node on a cluster).
 */
export function createPresenceStore(redis: RedisClient, channels: EventChannels) {
  if (!('messengerPresenceUpdate' in redis)) {
    // The key count comes first in each call: one call writes several users.
    redis.defineCommand('messengerPresenceUpdate', { lua: PRESENCE_UPDATE_LUA });
    redis.defineCommand('messengerPresenceWatch', { numberOfKeys: 2, lua: PRESENCE_WATCH_LUA });
  }
  const client = redis as PresenceRedis;

  /**
   * Writes this instance's entries, in order; answers the users' transitions (a user
   * whose batch failed is left out: the next heartbeat writes it again).
   */
  async function update(
    instanceId: string,
    entries: readonly PresenceEntry[],
    now = Date.now(),
  ): Promise<PresenceTransition[]> {
    if (entries.length === 0) return [];
    const presenceKey = (entry: PresenceEntry) => channels.userPresence(entry.userId);
    const batches = batchBySlot(redis, entries, presenceKey, USERS_PER_UPDATE);
    const results = await pipelineByNode(
      redis,
      batches,
      (batch) => presenceKey(entries[batch[0]!]!),
      (pipeline, batch) => {
        const keys = batch.flatMap((index) => {
          const entry = entries[index]!;
          return [presenceKey(entry), channels.userWatchers(entry.userId)];
        });
        const aliveUntils = batch.map((index) => entries[index]!.aliveUntil);
        (pipeline as unknown as PresencePipeline).messengerPresenceUpdate(
          keys.length,
          ...keys,
          now,
          instanceId,
          LAST_SEEN_RETENTION_MS,
          ...aliveUntils,
        );
      },
    );
    const transitions: PresenceTransition[] = [];
    results.forEach(([error, reply], batchIndex) => {
      if (error) return;
      const answers = reply as (number | string)[][];
      batches[batchIndex]!.forEach((index, j) => {
        const answer = answers[j];
        if (!answer || answer.length === 0) return;
        const [online, seenAt, ...watchers] = answer;
        transitions.push({
          state: {
            userId: entries[index]!.userId,
            online: online === 1,
            lastSeenAt: online === 1 ? null : iso(Number(seenAt)),
          },
          watchers: watchers.map(String),
        });
      });
    });
    return transitions;
  }

  /** Publishes the transition's `presence` event to each of its watchers' channels. */
  async function announce(transition: PresenceTransition, now = Date.now()): Promise<void> {
    if (transition.watchers.length === 0) return;
    const payload = encodeEphemeral('presence', transition.state, now);
    // Each watcher's channel is in the watcher's slot: a publish per watcher, sharded on a cluster.
    await pipelineByNode(
      redis,
      transition.watchers,
      (watcher) => channels.userChannel(watcher),
      (pipeline, watcher) =>
        redis.isCluster
          ? pipeline.spublish(channels.userChannel(watcher), payload)
          : pipeline.publish(channels.userChannel(watcher), payload),
    );
  }

  /** The states of `userIds` (distinct), in one round trip (one per node on a cluster). Rejects when Redis fails. */
  async function read(userIds: readonly string[], now = Date.now()): Promise<Map<string, PresenceState>> {
    const states = new Map<string, PresenceState>();
    if (userIds.length === 0) return states;
    const results = await pipelineByNode(
      redis,
      userIds,
      (userId) => channels.userPresence(userId),
      (pipeline, userId) =>
        (pipeline as unknown as PresencePipeline).zrevrange(channels.userPresence(userId), 0, 0, 'WITHSCORES'),
    );
    results.forEach(([error, reply], index) => {
      if (error) throw error;
      const top = reply as string[];
      states.set(userIds[index]!, stateOf(userIds[index]!, top[1], now));
    });
    return states;
  }

  /** Registers `watcherId` as a watcher of `userId` for PRESENCE_WATCH_TTL_MS; answers `userId`'s state. */
  async function watch(watcherId: string, userId: string, now = Date.now()): Promise<PresenceState> {
    const newest = await client.messengerPresenceWatch(
      channels.userPresence(userId),
      channels.userWatchers(userId),
      now,
      watcherId,
      now + PRESENCE_WATCH_TTL_MS,
      PRESENCE_WATCH_TTL_MS,
    );
    return stateOf(userId, newest ?? undefined, now);
  }

  return { update, announce, read, watch };
}

export type PresenceStore = ReturnType<typeof createPresenceStore>;

/** The newest score decides: above now, online; else it is when they were last seen; none, never seen. */
function stateOf(userId: string, newest: string | undefined, now: number): PresenceState {
  if (newest === undefined) return { userId, online: false, lastSeenAt: null };
  const score = Number(newest);
  return score > now ? { userId, online: true, lastSeenAt: null } : { userId, online: false, lastSeenAt: iso(score) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
