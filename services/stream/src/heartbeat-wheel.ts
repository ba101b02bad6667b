/**
 * Heartbeats for every stream of the process, spread over the interval: streams are
 * dealt round-robin into `slots` groups and each tick pings one group, so every stream
 * still gets a ping every `intervalMs`, but a tick writes to 1/slots of them.
 *
 * Why not ping everyone on one timer: with 5,000 streams that one callback wrote for
 * 50–90 ms, and every live event waited behind it (bench/README.md: p99 at 20k
 * events/s fell from 113 ms to 13 ms once the burst was gone).
 *
 * `afterTick(slot)` runs after each tick's pings, with the slot just pinged: presence
 * refreshes its users dealt into the same slots (presence-tracker.ts), so it needs no
 * timer of its own and its Redis writes are spread over the interval the same way.
 */
export function createHeartbeatWheel<T>(
  intervalMs: number,
  ping: (item: T) => void,
  slots = defaultSlots(intervalMs),
  afterTick?: (slot: number) => void,
) {
  const groups: Set<T>[] = Array.from({ length: slots }, () => new Set<T>());
  let next = 0;
  let dealt = 0;

  const timer = setInterval(() => {
    const slot = next;
    next = (next + 1) % slots;
    for (const item of groups[slot]!) ping(item);
    afterTick?.(slot);
  }, intervalMs / slots);

  /** Adds `item`; returns the slot `remove` needs. */
  function add(item: T): number {
    const slot = dealt;
    dealt = (dealt + 1) % slots;
    groups[slot]!.add(item);
    return slot;
  }

  function remove(item: T, slot: number): void {
    groups[slot]?.delete(item);
  }

  function stop(): void {
    clearInterval(timer);
  }

  return { add, remove, stop, slots, size: () => groups.reduce((sum, group) => sum + group.size, 0) };
}

// About one tick every 250 ms at the default 15 s interval, at most 64 groups, and no
// tick shorter than 50 ms (tests run with intervals of a few hundred ms).
function defaultSlots(intervalMs: number): number {
  return Math.max(1, Math.min(64, Math.floor(intervalMs / 50)));
}
