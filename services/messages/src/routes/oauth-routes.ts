import type { Context } from 'koa';
import { z } from 'zod';
import { createRouter } from '#libs/koa';
import { parseInput } from '../domain/validation';
import type { FlowStep, GithubLoginFlow } from '../oauth/github-login-flow';
import { OAUTH_COOKIE_NAME } from '../oauth/oauth-state-cookie';
import { redirectPathSchema } from '../oauth/redirect-path';

const startQuery = z.object({ redirect: redirectPathSchema.optional() });

/** Sign in with GitHub. Registered only when GitHub login is configured: otherwise these paths are 404. */
export function oauthRoutes(flow: GithubLoginFlow) {
  const router = createRouter();

  // An unsafe ?redirect= is a 422 like any bad input: the browser is sent nowhere.
  router.get('/api/oauth/github', async (ctx) => {
    const { redirect } = parseInput(startQuery, ctx.query);
    redirectTo(ctx, await flow.begin(redirect ?? '/'));
  });

  router.get('/api/oauth/github/callback', async (ctx) => {
    redirectTo(ctx, await flow.complete(ctx.query, ctx.cookies.get(OAUTH_COOKIE_NAME)));
  });

  return router;
}

function redirectTo(ctx: Context, { location, setCookie }: FlowStep) {
  ctx.status = 302;
  ctx.set('Location', location);
  ctx.set('Set-Cookie', setCookie);
  // Neither answer may be cached: each carries a one-time state or a session token.
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Referrer-Policy', 'no-referrer');
  // Not Koa's ctx.redirect(), whose body repeats the URL (and the token with it).
  ctx.body = '';
}
