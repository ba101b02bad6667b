/**
 * Redis names for a user's events, built from one prefix (EVENTS_PREFIX).
 *
 * The braces are a Redis Cluster hash tag: a user's channel, event log and head hash
 * to the same slot, so the scripts can touch all three atomically on a cluster too.
 */
export interface EventChannels {
  /** Pub/sub channel with the user's live events: `messenger:user:{42}:events`. */
  userChannel(userId: string): string;
  /** Stream key with the user's recent events, for replay: `messenger:user:{42}:log`. */
  userLog(userId: string): string;
  /** Hash with the position of the user's log (`epoch`, `base`, `top`): `messenger:user:{42}:head`. */
  userHead(userId: string): string;
  /**
   * String with a short TTL while `typing` notices of `conversationId` to the user are
   * held back (one per TYPING_INTERVAL_MS): `messenger:user:{42}:typing:7`. Under the
   * receiver's hash tag, so the gate and the publish on their channel are one script.
   */
  typingGate(receiverId: string, conversationId: string): string;
  /**
   * Sorted set of the user's presence: each stream instance holding a stream of theirs,
   * scored by "alive until" (ms), and the member `seen`, scored by when they were last
   * seen: `messenger:user:{42}:presence`.
   */
  userPresence(userId: string): string;
  /** Sorted set of the users watching this user's presence, scored by watch expiry (ms): `messenger:user:{42}:watchers`. */
  userWatchers(userId: string): string;
  /** The user id in a channel name from `userChannel`, or undefined for any other name. */
  userIdOf(channel: string): string | undefined;
}

export function createEventChannels(prefix = 'messenger'): EventChannels {
  const head = `${prefix}:user:{`;
  const channelTail = '}:events';
  return {
    userChannel: (userId) => `${head}${userId}${channelTail}`,
    userLog: (userId) => `${head}${userId}}:log`,
    userHead: (userId) => `${head}${userId}}:head`,
    typingGate: (receiverId, conversationId) => `${head}${receiverId}}:typing:${conversationId}`,
    userPresence: (userId) => `${head}${userId}}:presence`,
    userWatchers: (userId) => `${head}${userId}}:watchers`,
    userIdOf(channel) {
      if (!channel.startsWith(head) || !channel.endsWith(channelTail)) return undefined;
      return channel.slice(head.length, -channelTail.length) || undefined;
    },
  };
}
