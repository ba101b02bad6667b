// The redis lib's public surface: creating and connecting ioredis clients (standalone or
// cluster), the channel subscriber, and whether Redis serves every slot.
export { connectRedis, createRedisClient, type RedisClient, type RedisTarget } from './redis-client-factory';
export { isRedisServing } from './cluster-state';
export type { ChannelSubscriber } from './channel-subscriber';
export { createChannelSubscriber } from './create-channel-subscriber';
export { keySlot } from './key-slot';
export { batchBySlot, groupByNode, pipelineByNode, type PipelineResults } from './node-groups';
