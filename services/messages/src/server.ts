import pg from 'pg';
import { createTokenService } from '#libs/auth';
import type { Config } from '#libs/config';
import { connectDatabase, createDatabase, createDatabasePool, type Database } from '#libs/db';
import { createEventChannels, createEventAppender, createPresenceStore, createTypingNotifier } from '#libs/events';
import { createHttpServer, closeServer, listen } from '#libs/http';
import { createLogger, type Logger } from '#libs/logger';
import type { RunningService } from '#libs/service';
import { createMetricsEndpoint, createMetricsRegistry } from '#libs/metrics';
import { connectRedis, createRedisClient, type RedisClient } from '#libs/redis';
import { createApp } from './app';
import { createGithubClient } from './oauth/github-client';
import { createOAuthStateCookie } from './oauth/oauth-state-cookie';
import { createHealthCheck } from './health/health-check';
import { createMessagesMetrics } from './messages-metrics';
import { readOutboxBacklog } from './outbox/outbox-backlog';
import { createOutboxRelay, type OutboxRelaySettings } from './outbox/outbox-relay';

export interface MessagesServerDeps {
  /** Defaults to a pino logger named "messages" at config.logLevel. */
  logger?: Logger;
  /** The outbox relay's timing (outbox-relay.ts); its defaults otherwise. */
  relay?: OutboxRelaySettings;
  /** Deadline of each request to GitHub (token exchange, profile). Defaults to 5000 ms. */
  githubTimeoutMs?: number;
}

export interface RunningServer extends RunningService {
  /** Where /metrics is served: `${url}/metrics`, or the METRICS_PORT server's. */
  metricsUrl: string;
}

/**
 * Starts the messages service on config.host:config.messages.port (0 picks a free
 * port), with its outbox relay. Fails fast, naming the URL, when PostgreSQL or Redis
 * cannot be reached; once started, only ephemeral requests (typing, presence) touch
 * Redis: sending and reading never wait on it.
 */
export async function start(config: Config, deps: MessagesServerDeps = {}): Promise<RunningServer> {
  const logger = deps.logger ?? createLogger({ name: 'messages', level: config.logLevel, format: config.logFormat });
  // Prisma's pool, on which the send also runs (createDatabasePool); $disconnect() ends it.
  const pool = createDatabasePool(config.databaseUrl, { poolSize: config.databasePoolSize });
  // An idle client that loses its server emits here; unhandled, that would end the process.
  pool.on('error', (error) => logger.debug({ err: error.message }, 'database pool connection lost'));
  let db: Database | undefined;
  let redis: RedisClient | undefined;
  try {
    db = createDatabase(pool);
    // The relay's connection: a command that Redis does not answer within a second
    // fails, and nothing queues while it is away, so a dead Redis fails a cycle fast.
    redis = createRedisClient(config, logger, { commandTimeout: 1000, enableOfflineQueue: false });
    await Promise.all([connectDatabase(db, config.databaseUrl), connectRedis(redis, config)]);
  } catch (error) {
    // disconnect(), not quit(): there is no connection to close politely, and it
    // stops ioredis from reconnecting.
    redis?.disconnect();
    await db?.$disconnect().catch(() => {});
    // Ended by $disconnect() once Prisma connected to it; otherwise still open.
    await pool.end().catch(() => {});
    throw error;
  }

  // The relay's own small pool: claiming with SKIP LOCKED needs a transaction of its
  // own, which Prisma's raw queries do not offer.
  const relayPool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 2000,
    query_timeout: 5000,
  });
  // An idle client that loses its server emits here; unhandled, that would end the process.
  relayPool.on('error', (error) => logger.debug({ err: error.message }, 'outbox pool connection lost'));
  const registry = createMetricsRegistry();
  const openDatabase = db;
  const metrics = createMessagesMetrics(registry, () => readOutboxBacklog(openDatabase));
  const channels = createEventChannels(config.events.prefix);
  const relay = createOutboxRelay({
    pool: relayPool,
    appender: createEventAppender(redis, channels, config.events),
    logger,
    settings: deps.relay,
    metrics: metrics.relay,
  });
  relay.start();

  const app = createApp({
    db,
    pool,
    tokens: createTokenService(config.auth),
    eventsCommitted: relay.nudge,
    // The relay's connection: its one-second command timeout and no offline queue suit
    // a request too (a typing notice fails fast while Redis is away).
    typingNotifier: createTypingNotifier(redis, channels),
    presence: config.presence ? createPresenceStore(redis, channels) : undefined,
    checkHealth: createHealthCheck(db, redis),
    logger,
    metrics: { registry, messageSent: metrics.messageSent },
    devLogin: config.auth.devLogin,
    github: config.auth.github
      ? {
          client: createGithubClient(config.auth.github, {
            redirectUri: `${config.publicUrl}/api/oauth/github/callback`,
            timeoutMs: deps.githubTimeoutMs ?? 5000,
          }),
          cookie: createOAuthStateCookie({
            secret: config.auth.jwtSecret,
            secure: config.publicUrl.startsWith('https:'),
          }),
          publicUrl: config.publicUrl,
        }
      : undefined,
  });

  const handle = app.callback();
  // Koa settles every request itself (its error middleware answers); nothing rejects here.
  const metricsEndpoint = await createMetricsEndpoint(registry, {
    logger,
    port: config.metricsPort,
    host: config.host,
  });
  const server = createHttpServer((req, res) => metricsEndpoint.intercept(req, res) || void handle(req, res), {
    logger,
  });
  const url = await listen(server, config.messages.port, config.host);
  logger.info({ url }, 'listening');

  let stopping: Promise<void> | undefined;
  const openDb = db;
  const openRedis = redis;
  return {
    url,
    metricsUrl: `${metricsEndpoint.url ?? url}/metrics`,
    stop() {
      stopping ??= (async () => {
        await closeServer(server);
        // Lets a running cycle finish (bounded); rows left wait for the next start.
        await relay.stop();
        await Promise.allSettled([openDb.$disconnect(), openRedis.quit(), relayPool.end(), metricsEndpoint.stop()]);
        // quit() fails while Redis is down; then stop reconnecting.
        if (openRedis.status !== 'end') openRedis.disconnect();
        logger.info('messages service stopped');
      })();
      return stopping;
    },
  };
}
