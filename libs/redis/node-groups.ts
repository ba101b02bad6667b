import type { ChainableCommander, Cluster } from 'ioredis';
import { keySlot } from './key-slot';
import type { RedisClient } from './redis-client-factory';

/**
 * Indexes of `items` grouped by the cluster node that serves their key's slot right now
 * (the client's own slot map, the one it checks a pipeline against); items whose slot
 * it does not know yet each form a group of their slot. A cluster pipeline must stay on
 * one node: one pipeline per group, sent in parallel, is one round trip per node.
 */
export function groupByNode<T>(cluster: Cluster, items: readonly T[], keyOf: (item: T) => string): number[][] {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const slot = keySlot(keyOf(item));
    const node = cluster.slots[slot]?.join(',') ?? `slot ${slot}`;
    const group = groups.get(node);
    if (group) group.push(index);
    else groups.set(node, [index]);
  });
  return [...groups.values()];
}

/**
 * Indexes of `items` in batches of at most `size`, for commands that take several keys:
 * in order on a standalone Redis; on a cluster, each batch's keys share one slot (a
 * command may not cross slots), in their order within the slot.
 */
export function batchBySlot<T>(
  redis: RedisClient,
  items: readonly T[],
  keyOf: (item: T) => string,
  size: number,
): number[][] {
  const runs = new Map<number, number[]>();
  items.forEach((item, index) => {
    const slot = redis.isCluster ? keySlot(keyOf(item)) : 0;
    const run = runs.get(slot);
    if (run) run.push(index);
    else runs.set(slot, [index]);
  });
  const batches: number[][] = [];
  for (const run of runs.values()) {
    for (let start = 0; start < run.length; start += size) batches.push(run.slice(start, start + size));
  }
  return batches;
}

/** What a pipeline's exec answers: one [error, reply] per command. */
export type PipelineResults = [Error | null, unknown][];

/**
 * Runs one command per item in one pipeline: one round trip on a standalone Redis, one
 * per node (in parallel) on a cluster. Answers one [error, reply] per item, in order; on
 * a cluster, a node whose pipeline failed fails its items only.
 */
export async function pipelineByNode<T>(
  redis: RedisClient,
  items: readonly T[],
  keyOf: (item: T) => string,
  add: (pipeline: ChainableCommander, item: T) => void,
): Promise<PipelineResults> {
  const run = async (indexes: readonly number[]): Promise<PipelineResults> => {
    const pipeline = redis.pipeline();
    for (const index of indexes) add(pipeline, items[index]!);
    const results = await pipeline.exec();
    if (!results) throw new Error('the Redis pipeline was discarded');
    return results;
  };
  if (!redis.isCluster) return run(items.map((_, index) => index));
  const results = new Array<[Error | null, unknown]>(items.length);
  await Promise.all(
    groupByNode(redis as Cluster, items, keyOf).map(async (group) => {
      let answers: PipelineResults;
      try {
        answers = await run(group);
      } catch (error) {
        answers = group.map(() => [error as Error, null]);
      }
      group.forEach((index, j) => (results[index] = answers[j]!));
    }),
  );
  return results;
}
