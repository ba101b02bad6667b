/**
 * Token expiry for every stream of the process on one interval: streams are kept in
 * buckets by the second their token expires, and each tick expires the buckets that
 * are due. A timer per stream would cost a Timeout, a closure and a Date each (about
 * 0.3 KB per connection); here it is one Set entry. A stream ends at most one tick late.
 */
export function createExpiryWheel<T>(onExpire: (item: T) => void, tickMs = 1000) {
  const buckets = new Map<number, Set<T>>();
  let swept = Math.floor(Date.now() / tickMs);

  const timer = setInterval(() => {
    const now = Math.floor(Date.now() / tickMs);
    for (let key = swept + 1; key <= now; key += 1) {
      const due = buckets.get(key);
      if (!due) continue;
      buckets.delete(key);
      for (const item of due) onExpire(item);
    }
    swept = now;
  }, tickMs);

  /** Schedules `item`; returns the key `remove` needs. */
  function add(item: T, expiresAtMs: number): number {
    const key = Math.max(Math.ceil(expiresAtMs / tickMs), swept + 1);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new Set();
      buckets.set(key, bucket);
    }
    bucket.add(item);
    return key;
  }

  function remove(item: T, key: number): void {
    const bucket = buckets.get(key);
    if (!bucket) return;
    bucket.delete(item);
    if (bucket.size === 0) buckets.delete(key);
  }

  function stop(): void {
    clearInterval(timer);
  }

  return { add, remove, stop, size: () => buckets.size };
}
