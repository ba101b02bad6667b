// The redis lib's public surface: creating and connecting ioredis clients.
export { connectRedis, createRedisClient } from './redis-client-factory';
