import { keySlot } from './key-slot';
import { batchBySlot } from './node-groups';
import type { RedisClient } from './redis-client-factory';

// Only whether the client is a cluster decides the batches (no command is sent).
const standalone = { isCluster: false } as RedisClient;
const cluster = { isCluster: true } as RedisClient;
const key = (id: string) => `test:user:{${id}}:presence`;

describe('batchBySlot', () => {
  test('When the Redis is standalone, then the items are cut in order into batches of at most the size', () => {
    const items = Array.from({ length: 7 }, (_, i) => String(i));
    expect(batchBySlot(standalone, items, key, 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  test('When the Redis is a cluster, then each batch holds keys of one slot only, in their order, at most the size, and every item once', () => {
    // Users 1..40 and a second entry for user 7 (same slot as its first).
    const items = [...Array.from({ length: 40 }, (_, i) => String(i + 1)), '7', '7', '7'];
    const batches = batchBySlot(cluster, items, key, 2);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(2);
      expect(new Set(batch.map((index) => keySlot(key(items[index]!)))).size).toBe(1);
      expect([...batch].sort((a, b) => a - b)).toEqual(batch);
    }
    expect(batches.flat().sort((a, b) => a - b)).toEqual(items.map((_, index) => index));
    // User 7's four entries: two batches of two, in order.
    expect(batches.filter((batch) => items[batch[0]!] === '7')).toEqual([
      [6, 40],
      [41, 42],
    ]);
  });

  test('When there are no items, then there are no batches', () => {
    expect(batchBySlot(cluster, [], key, 10)).toEqual([]);
  });
});
