import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { Redis } from 'ioredis';
import { createTokenService } from '#libs/auth';
import type { Config } from '#libs/config';
import { createEventChannels, createEventLogReader } from '#libs/events';
import { createHttpServer, closeServer, listen } from '#libs/http';
import { createLogger, type Logger } from '#libs/logger';
import { createMetricsEndpoint, createMetricsRegistry } from '#libs/metrics';
import { connectRedis, createRedisClient } from '#libs/redis';
import { isRedisHealthy } from './redis-health';
import { createStreamHub } from './stream-hub';
import { createStreamEndpoint } from './stream-endpoint';
import { createStreamLimits } from './stream-limits';
import { registerStreamMetrics, StreamTallies } from './stream-metrics';
import { createStreamApp } from './stream-routes';

export interface StreamDeps {
  logger?: Logger;
}

export interface StreamServer {
  url: string;
  /** Where /metrics is served: `${url}/metrics`, or the METRICS_PORT server's. */
  metricsUrl: string;
  /** Graceful: refuses new streams, tells open ones to reconnect (spread out), closes Redis. */
  stop(): Promise<void>;
  /** Counters for tests and diagnostics; all zero when nothing is open. */
  stats(): {
    connections: number;
    users: number;
    expiryBuckets: number;
    heartbeats: number;
    subscriberListeners: number;
  };
}

// After the goodbye frames, connections that are still open are cut.
const CLOSE_GRACE_MS = 1000;

export async function start(config: Config, deps: StreamDeps = {}): Promise<StreamServer> {
  const logger = deps.logger ?? createLogger({ name: 'stream', level: config.logLevel, format: config.logFormat });
  // Two connections: the subscriber (in subscribe mode it cannot run other commands)
  // and one for history reads and health checks.
  const redis = createRedisClient(config.redisUrl, logger);
  // Subscriptions are restored by the hub, which also catches streams up after a drop;
  // subscribes issued while Redis is away wait for it rather than failing.
  const subscriber = createRedisClient(config.redisUrl, logger, { autoResubscribe: false, maxRetriesPerRequest: null });
  try {
    await Promise.all([connectRedis(redis, config.redisUrl), connectRedis(subscriber, config.redisUrl)]);
  } catch (error) {
    redis.disconnect();
    subscriber.disconnect();
    throw error;
  }

  const channels = createEventChannels(config.events.prefix);
  const tallies = new StreamTallies();
  const limits = createStreamLimits(config.stream);
  const hub = createStreamHub({
    subscriber,
    reader: createEventLogReader(redis, channels, { headTtlSeconds: config.events.cursorTtlSeconds }),
    channels,
    logger,
    settings: config.stream,
    limits,
    tallies,
  });
  const registry = createMetricsRegistry();
  registerStreamMetrics(registry, tallies, hub.stats);
  const tokens = createTokenService({
    secret: config.auth.jwtSecret,
    sessionTtlSeconds: config.auth.tokenTtlSeconds,
    streamTtlSeconds: config.auth.streamTokenTtlSeconds,
  });
  let closing = false;
  const isClosing = () => closing;
  const app = createStreamApp({
    logger,
    tokens,
    isHealthy: () => isRedisHealthy(redis, subscriber),
    isClosing,
    limits,
  });
  const endpoint = createStreamEndpoint({ tokens, hub, logger, isClosing, fallback: koaHandler(app) });
  // Streams live for minutes: no request timeout (it would cut them), but headers must come quickly.
  const metrics = await createMetricsEndpoint(registry, { logger, port: config.metricsPort, host: config.host });
  const server = createHttpServer((req, res) => metrics.intercept(req, res) || endpoint(req, res), {
    logger,
    requestTimeout: 0,
    headersTimeout: 10_000,
  });
  let url;
  try {
    url = await listen(server, config.stream.port, config.host);
  } catch (error) {
    await metrics.stop();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    closing = true;
    const closed = closeServer(server);
    await hub.shutdown(config.stream.shutdownSpreadMs);
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await Promise.allSettled([quit(redis), quit(subscriber), metrics.stop()]);
  }

  return {
    url,
    metricsUrl: `${metrics.url ?? url}/metrics`,
    stop: () => (stopping ??= shutdown()),
    stats: hub.stats,
  };
}

/** Koa's handler as a plain listener: Koa settles each request itself, so nothing is left to await. */
function koaHandler(app: Koa): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = app.callback();
  return (req, res) => void handle(req, res);
}

async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
