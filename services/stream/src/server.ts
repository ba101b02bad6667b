import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import { createTokenVerifier } from '#libs/auth';
import type { Config } from '#libs/config';
import { createEventChannels, createEventLogReader, createPresenceStore } from '#libs/events';
import { createHttpServer, closeServer, listen } from '#libs/http';
import { createLogger, type Logger } from '#libs/logger';
import type { RunningService } from '#libs/service';
import { createMetricsEndpoint, createMetricsRegistry } from '#libs/metrics';
import { connectRedis, createChannelSubscriber, createRedisClient, type RedisClient } from '#libs/redis';
import { isRedisHealthy } from './redis-health';
import { createStreamHub, type StreamHubStats } from './stream-hub';
import { createStreamEndpoint } from './stream-endpoint';
import { createStreamLimits } from './stream-limits';
import { registerStreamMetrics, StreamTallies } from './stream-metrics';
import { createStreamApp } from './stream-routes';

export interface StreamDeps {
  logger?: Logger;
}

/** stop() is graceful: it refuses new streams, tells open ones to reconnect (spread out), closes Redis. */
export interface StreamServer extends RunningService {
  /** Where /metrics is served: `${url}/metrics`, or the METRICS_PORT server's. */
  metricsUrl: string;
  stats(): StreamHubStats;
}

// After the goodbye frames, connections that are still open are cut.
const CLOSE_GRACE_MS = 1000;

export async function start(config: Config, deps: StreamDeps = {}): Promise<StreamServer> {
  const logger = deps.logger ?? createLogger({ name: 'stream', level: config.logLevel, format: config.logFormat });
  // The client for history reads and health checks, and the subscriber (its own
  // connections: in subscribe mode a connection serves nothing else). Subscriptions are
  // restored by the hub, which also catches streams up after one is lost.
  const redis = createRedisClient(config, logger);
  const subscriber = createChannelSubscriber(config, redis, logger);
  try {
    await Promise.all([connectRedis(redis, config), subscriber.connect()]);
  } catch (error) {
    redis.disconnect();
    await subscriber.close();
    throw error;
  }

  const channels = createEventChannels(config.events.prefix);
  const tallies = new StreamTallies();
  const limits = createStreamLimits(config.stream);
  const hub = createStreamHub({
    subscriber,
    reader: createEventLogReader(redis, channels, config.events),
    channels,
    logger,
    settings: config.stream,
    limits,
    tallies,
    presence: config.presence ? createPresenceStore(redis, channels) : undefined,
  });
  const registry = createMetricsRegistry();
  registerStreamMetrics(registry, tallies, hub.stats);
  const tokens = createTokenVerifier(config.auth);
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
  logger.info({ url }, 'listening');

  let stopping: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    closing = true;
    const closed = closeServer(server);
    await hub.shutdown(config.stream.shutdownSpreadMs);
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await Promise.allSettled([quit(redis), subscriber.close(), metrics.stop()]);
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

async function quit(redis: RedisClient): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
