import { TYPING_INTERVAL_MS, type TypingNotice } from '#libs/contract';
import type { RedisClient } from '#libs/redis';
import type { EventChannels } from './channels';
import { encodeEphemeral } from './event-types';

/**
 * One Redis round trip per `typing`: the gate (`SET NX PX`, shared by every messages
 * instance) and the publish on the receiver's channel, in one script. Both keys carry
 * the receiver's hash tag, so it stays on one node of a cluster, where the publish is a
 * sharded SPUBLISH like the append script's. Returns 0 when published, else the gate's
 * remaining time in ms (at least 1).
 *
 * KEYS: gate, channel. ARGV: interval (ms), payload.
 */
const typingScript = (publish: 'PUBLISH' | 'SPUBLISH') => `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('${publish}', KEYS[2], ARGV[2])
  return 0
end
return math.max(redis.call('PTTL', KEYS[1]), 1)
`;

type TypingRedis = RedisClient & { messengerTyping(...args: (string | number)[]): Promise<number> };

export type TypingOutcome = { sent: true } | { sent: false; retryAfterMs: number };

export function createTypingNotifier(redis: RedisClient, channels: EventChannels) {
  if (!('messengerTyping' in redis)) {
    redis.defineCommand('messengerTyping', {
      numberOfKeys: 2,
      lua: typingScript(redis.isCluster ? 'SPUBLISH' : 'PUBLISH'),
    });
  }
  const client = redis as TypingRedis;

  /** Tells `receiverId` that the notice's user is typing, unless a notice of this conversation went out less than TYPING_INTERVAL_MS ago. */
  async function notify(receiverId: string, notice: TypingNotice): Promise<TypingOutcome> {
    const retryAfterMs = await client.messengerTyping(
      channels.typingGate(receiverId, notice.conversationId),
      channels.userChannel(receiverId),
      TYPING_INTERVAL_MS,
      encodeEphemeral('typing', notice, Date.now()),
    );
    return retryAfterMs === 0 ? { sent: true } : { sent: false, retryAfterMs };
  }

  return { notify };
}

export type TypingNotifier = ReturnType<typeof createTypingNotifier>;
