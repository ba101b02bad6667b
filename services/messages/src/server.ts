import type { Redis } from 'ioredis';
import { createTokenService } from '../../../libs/auth/token-service';
import type { Config } from '../../../libs/config/config';
import { connectDatabase, createDatabase, type Database } from '../../../libs/db/prisma-client-factory';
import { createEventChannels } from '../../../libs/events/channels';
import { createEventPublisher } from '../../../libs/events/event-publisher';
import { createHttpServer } from '../../../libs/http/http-server';
import { closeServer, listen } from '../../../libs/http/listen';
import { createLogger, type Logger } from '../../../libs/logger/logger';
import { connectRedis, createRedisClient } from '../../../libs/redis/redis-client-factory';
import { createApp } from './app';
import { createEventNotifier } from './events/event-notifier';
import { createGithubClient } from './oauth/github-client';
import { createOAuthStateCookie } from './oauth/oauth-state-cookie';
import { createHealthCheck } from './health/health-check';

export interface MessagesServerDeps {
  /** Defaults to a pino logger named "messages" at config.logLevel. */
  logger?: Logger;
  /** How long a request waits for its events to be published; see event-notifier.ts. */
  publishWaitMs?: number;
  /** Deadline of each request to GitHub (token exchange, profile). Defaults to 5000 ms. */
  githubTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the messages service on config.host:config.messages.port (0 picks a free
 * port). Fails fast, naming the URL, when PostgreSQL or Redis cannot be reached.
 */
export async function start(config: Config, deps: MessagesServerDeps = {}): Promise<RunningServer> {
  const logger = deps.logger ?? createLogger({ name: 'messages', level: config.logLevel });
  let db: Database | undefined;
  let redis: Redis | undefined;
  try {
    db = createDatabase(config.databaseUrl);
    redis = createRedisClient(config.redisUrl, logger);
    await Promise.all([connectDatabase(db, config.databaseUrl), connectRedis(redis, config.redisUrl)]);
  } catch (error) {
    // disconnect(), not quit(): there is no connection to close politely, and it
    // stops ioredis from reconnecting.
    redis?.disconnect();
    await db?.$disconnect().catch(() => {});
    throw error;
  }

  const tokens = createTokenService({
    secret: config.auth.jwtSecret,
    sessionTtlSeconds: config.auth.tokenTtlSeconds,
    streamTtlSeconds: config.auth.streamTokenTtlSeconds,
  });
  const publisher = createEventPublisher(redis, createEventChannels(config.events.prefix), {
    maxEvents: config.events.logMaxEvents,
    ttlSeconds: config.events.logTtlSeconds,
  });
  const notifier = createEventNotifier(publisher, logger, { waitMs: deps.publishWaitMs });
  const app = createApp({
    db,
    tokens,
    notifier,
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
  logger.info({ url }, 'messages service listening');

  let stopping: Promise<void> | undefined;
  const openDb = db;
  const openRedis = redis;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        await closeServer(server);
        // Bounded: a publish stuck on a dead Redis must not hold shutdown.
        await Promise.race([notifier.drain(), new Promise((r) => setTimeout(r, 2000).unref())]);
        await Promise.allSettled([openDb.$disconnect(), openRedis.quit()]);
        // quit() fails while Redis is down; then stop reconnecting.
        if (openRedis.status !== 'end') openRedis.disconnect();
        logger.info('messages service stopped');
      })();
      return stopping;
    },
  };
}
