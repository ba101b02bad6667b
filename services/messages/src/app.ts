import Koa from 'koa';
import type { TokenService } from '#libs/auth';
import type { Pool } from 'pg';
import type { Database } from '#libs/db';
import type { PresenceStore, TypingNotifier } from '#libs/events';
import { errorMiddleware, jsonBody, requestLogger, answerUnservedMethods } from '#libs/koa';
import type { Logger } from '#libs/logger';
import { httpRequestMetrics } from '#libs/metrics';
import type { Registry } from 'prom-client';
import { requireSession, requireUser } from './auth/require-user';
import { createConversationRepository } from './data/conversation-repository';
import { createMessageRepository } from './data/message-repository';
import { createUserRepository } from './data/user-repository';
import { createAuthService } from './domain/auth-service';
import { createConversationService } from './domain/conversation-service';
import { createMessageService } from './domain/message-service';
import { createPresenceService } from './domain/presence-service';
import { createTypingService } from './domain/typing-service';
import { createUserService } from './domain/user-service';
import type { GithubClient } from './oauth/github-client';
import { createGithubLoginFlow } from './oauth/github-login-flow';
import type { OAuthStateCookie } from './oauth/oauth-state-cookie';
import type { HealthCheck } from './health/health-check';
import { authRoutes } from './routes/auth-routes';
import { conversationRoutes } from './routes/conversation-routes';
import { healthRoutes } from './routes/health-routes';
import { messageRoutes } from './routes/message-routes';
import { oauthRoutes } from './routes/oauth-routes';
import { userRoutes } from './routes/user-routes';

export interface AppDependencies {
  db: Database;
  /** The pg pool under `db`, for the statements run on pg directly (the send). */
  pool: Pool;
  tokens: TokenService;
  /** Called after each commit that queued events: wakes the outbox relay (never waits). */
  eventsCommitted: () => void;
  /** Publishes `typing` notices (through Redis: the only requests that touch it). */
  typingNotifier: TypingNotifier;
  /** Where presence is read and watches registered; undefined with PRESENCE=off. */
  presence: PresenceStore | undefined;
  checkHealth: HealthCheck;
  logger: Logger;
  /** The service's metrics registry (request durations go there), and the count of messages sent. */
  metrics: { registry: Registry; messageSent: () => void };
  devLogin: boolean;
  /** Sign in with GitHub; undefined when it is not configured. */
  github?: { client: GithubClient; cookie: OAuthStateCookie; publicUrl: string };
}

/** The messages API as a Koa app: wiring only, no I/O of its own. */
export function createApp({
  db,
  pool,
  tokens,
  eventsCommitted,
  typingNotifier,
  presence,
  checkHealth,
  logger,
  metrics,
  devLogin,
  github,
}: AppDependencies): Koa {
  const users = createUserRepository(db);
  const auth = createAuthService(users, tokens);
  const conversationRepository = createConversationRepository(db);
  const conversations = createConversationService(conversationRepository, users);
  const messages = createMessageService(createMessageRepository(db, pool), eventsCommitted);
  const authenticated = requireUser(auth);
  const participant = requireSession(auth);

  const app = new Koa();
  // Everything is JSON from here on; a stack trace or HTML error page never leaves.
  app.silent = true;
  // The request log wraps the error middleware, so it logs the status actually sent
  // (inside it, a thrown error would still show Koa's default 404).
  app.use(requestLogger(logger));
  app.use(httpRequestMetrics(metrics.registry));
  app.use(errorMiddleware(logger));
  app.use(jsonBody());
  const githubFlow =
    github &&
    createGithubLoginFlow({ github: github.client, cookie: github.cookie, publicUrl: github.publicUrl, auth, logger });
  for (const router of [
    healthRoutes(checkHealth),
    authRoutes(auth, authenticated, { devLogin, github: !!github }),
    ...(githubFlow ? [oauthRoutes(githubFlow)] : []),
    userRoutes(createUserService(users), authenticated),
    conversationRoutes(
      conversations,
      authenticated,
      participant,
      createTypingService(conversationRepository, typingNotifier),
      createPresenceService(presence, conversationRepository, logger),
    ),
    messageRoutes(messages, participant, metrics.messageSent),
  ]) {
    app.use(router.routes());
  }
  // After every router: OPTIONS (204) and methods a route does not serve (405), with Allow.
  app.use(answerUnservedMethods());
  return app;
}
