import pg from 'pg';
import { createTokenService } from '#libs/auth';
import type { Config } from '#libs/config';
import { connectDatabase, createDatabase, type Database } from '#libs/db';
import { createEventChannels, createEventAppender } from '#libs/events';
import { createHttpServer, closeServer, listen } from '#libs/http';
import { createLogger, type Logger } from '#libs/logger';
import type { RunningService } from '#libs/service';
import { connectRedis, createRedisClient, type RedisClient } from '#libs/redis';
import { createApp } from './app';
import { createGithubClient } from './oauth/github-client';
import { createOAuthStateCookie } from './oauth/oauth-state-cookie';
import { createHealthCheck } from './health/health-check';
import { createOutboxRelay, type OutboxRelaySettings } from './outbox/outbox-relay';

export interface MessagesServerDeps {
  /** Defaults to a pino logger named "messages" at config.logLevel. */
  logger?: Logger;
  /** The outbox relay's timing (outbox-relay.ts); its defaults otherwise. */
  relay?: OutboxRelaySettings;
  /** Deadline of each request to GitHub (token exchange, profile). Defaults to 5000 ms. */
  githubTimeoutMs?: number;
}

/**
 * Starts the messages service on config.host:config.messages.port (0 picks a free
 * port), with its outbox relay. Fails fast, naming the URL, when PostgreSQL or Redis
 * cannot be reached; once started, requests never touch Redis.
 */
export async function start(config: Config, deps: MessagesServerDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger({ name: 'messages', level: config.logLevel });
  let db: Database | undefined;
  let redis: RedisClient | undefined;
  try {
    db = createDatabase(config.databaseUrl);
    // The relay's connection: a command that Redis does not answer within a second
    // fails, and nothing queues while it is away, so a dead Redis fails a cycle fast.
    redis = createRedisClient(config, logger, { commandTimeout: 1000, enableOfflineQueue: false });
    await Promise.all([connectDatabase(db, config.databaseUrl), connectRedis(redis, config)]);
  } catch (error) {
    // disconnect(), not quit(): there is no connection to close politely, and it
    // stops ioredis from reconnecting.
    redis?.disconnect();
    await db?.$disconnect().catch(() => {});
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
  const relay = createOutboxRelay({
    pool: relayPool,
    appender: createEventAppender(redis, createEventChannels(config.events.prefix), config.events),
    logger,
    settings: deps.relay,
  });
  relay.start();

  const app = createApp({
    db,
    tokens: createTokenService(config.auth),
    eventsCommitted: relay.nudge,
    checkHealth: createHealthCheck(db, redis),
    logger,
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
  const server = createHttpServer((req, res) => void handle(req, res), { logger });
  const url = await listen(server, config.messages.port, config.host);
  logger.info({ url }, 'listening');

  let stopping: Promise<void> | undefined;
  const openDb = db;
  const openRedis = redis;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        await closeServer(server);
        // Lets a running cycle finish (bounded); rows left wait for the next start.
        await relay.stop();
        await Promise.allSettled([openDb.$disconnect(), openRedis.quit(), relayPool.end()]);
        // quit() fails while Redis is down; then stop reconnecting.
        if (openRedis.status !== 'end') openRedis.disconnect();
        logger.info('messages service stopped');
      })();
      return stopping;
    },
  };
}
