import { randomBytes } from 'node:crypto';
import type { PresenceEntry, PresenceStore } from '#libs/events';
import type { Logger } from '#libs/logger';

/**
 * This instance's share of the users' presence (libs/events/presence-lua.ts): one entry
 * per user with a stream open here, whatever their number of tabs (a local count), kept
 * alive by the heartbeat wheel and removed when their last stream here closes.
 *
 * - First stream of a user here: the entry is written, alive until now + 2 heartbeats.
 * - Every heartbeat interval: users are dealt into the wheel's slots like streams, and
 *   each tick refreshes its slot's users in one pipeline. No timer per connection or user.
 * - Last stream closed: the entry is removed.
 * An instance that dies stops refreshing: its entries lapse within 2 heartbeats (30 s
 * by default) and its users read as offline, last seen when the entry lapsed.
 *
 * When a write changes whether the user is online anywhere, Redis answers with the
 * user's current watchers, and only they get a `presence` event: a connect or
 * disconnect never publishes to every conversation partner.
 *
 * Writes queued within FLUSH_WINDOW_MS go out together, in order: one pipeline of script
 * calls of up to 100 users each (libs/events/presence-store.ts).
 */
export interface PresenceTracker {
  /** A stream of `userId` opened on this instance. */
  joined(userId: string): void;
  /** A stream of `userId` closed on this instance. */
  left(userId: string): void;
  /** The heartbeat wheel's afterTick: refreshes the users dealt into `slot`. */
  refresh(slot: number): void;
  /** Users with a stream here. */
  users(): number;
}

/**
 * How long queued writes wait for others: a connect burst's joins then go out in
 * pipelines of dozens of users instead of a few per event-loop turn, and each pipeline
 * costs ioredis objects of its own. Flushing every turn cost about half a KB more
 * memory per connection 1 s after 10,000 connects (bench/README.md, change 7). A
 * presence change shown 20 ms later is not one anybody sees.
 */
const FLUSH_WINDOW_MS = 20;

export function createPresenceTracker(options: {
  store: PresenceStore;
  logger: Logger;
  heartbeatMs: number;
  /** The heartbeat wheel's slot count. */
  slots: number;
}): PresenceTracker {
  const { store, logger, slots } = options;
  // Two heartbeats: one refresh may come late (a busy event loop) without the user blinking offline.
  const aliveMs = 2 * options.heartbeatMs;
  // Names this process's entries; a restarted instance is a new one (the old entries lapse).
  const instanceId = randomBytes(8).toString('hex');
  const local = new Map<string, { streams: number; slot: number }>();
  const bySlot: Set<string>[] = Array.from({ length: slots }, () => new Set<string>());
  let dealt = 0;
  let pending: PresenceEntry[] = [];

  function joined(userId: string): void {
    const user = local.get(userId);
    if (user) {
      user.streams += 1;
      return;
    }
    const slot = dealt;
    dealt = (dealt + 1) % slots;
    local.set(userId, { streams: 1, slot });
    bySlot[slot]!.add(userId);
    queue({ userId, aliveUntil: Date.now() + aliveMs });
  }

  function left(userId: string): void {
    const user = local.get(userId);
    if (!user || --user.streams > 0) return;
    local.delete(userId);
    bySlot[user.slot]!.delete(userId);
    queue({ userId, aliveUntil: 0 });
  }

  function refresh(slot: number): void {
    const users = bySlot[slot];
    if (!users || users.size === 0) return;
    const aliveUntil = Date.now() + aliveMs;
    for (const userId of users) queue({ userId, aliveUntil });
  }

  function queue(entry: PresenceEntry): void {
    if (pending.length === 0) setTimeout(flush, FLUSH_WINDOW_MS);
    pending.push(entry);
  }

  function flush(): void {
    const entries = pending;
    pending = [];
    store.update(instanceId, entries).then(
      (transitions) => {
        for (const transition of transitions) {
          store.announce(transition).catch((error: Error) => {
            logger.debug({ err: error.message }, 'presence event not published');
          });
        }
      },
      (error: Error) => {
        // Redis is away: the next heartbeat writes the entries again.
        logger.debug({ err: error.message, entries: entries.length }, 'presence not written');
      },
    );
  }

  return { joined, left, refresh, users: () => local.size };
}
