import type { AuthProviders, LoginAnswer, TokenAnswer } from '#libs/contract';
import { createRouter } from '#libs/koa';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { UserState } from '../auth/require-user';
import type { AuthService } from '../domain/auth-service';
import { presentUser } from '../domain/presenters';
import { parseInput, usernameSchema } from '../domain/validation';

const loginBody = z.object({ username: usernameSchema });

export interface LoginMethods {
  devLogin: boolean;
  github: boolean;
}

export function authRoutes(auth: AuthService, requireUser: Middleware<UserState>, options: LoginMethods) {
  const router = createRouter<UserState>();

  // Which ways to sign in the login page offers.
  router.get('/api/auth/providers', (ctx) => {
    ctx.body = { github: options.github, dev: options.devLogin } satisfies AuthProviders;
  });

  // Off in production unless DEV_LOGIN=true: then the route does not exist (404 for every method).
  if (options.devLogin) {
    router.post('/api/login', async (ctx) => {
      const { username } = parseInput(loginBody, ctx.request.body);
      const { user, token, expiresAt } = await auth.login(username);
      ctx.body = { authUser: presentUser(user), token, expiresAt: expiresAt.toISOString() } satisfies LoginAnswer;
    });
  }

  router.get('/api/auth_user', requireUser, (ctx) => {
    ctx.body = presentUser(ctx.state.user);
  });

  router.post('/api/refresh_token', requireUser, (ctx) => {
    const { token, expiresAt } = auth.refresh(ctx.state.user.id);
    ctx.body = { token, expiresAt: expiresAt.toISOString() } satisfies TokenAnswer;
  });

  router.post('/api/stream_token', requireUser, (ctx) => {
    const { token, expiresAt } = auth.streamToken(ctx.state.user.id);
    ctx.body = { token, expiresAt: expiresAt.toISOString() } satisfies TokenAnswer;
  });

  return router;
}
