import { timingSafeEqual } from 'node:crypto';
import * as oauth from 'openid-client';
import type { Logger } from '#libs/logger';
import type { AuthService } from '../domain/auth-service';
import { LoginFailure, type LoginFailureCode } from '../domain/login-failure';
import type { GithubClient } from './github-client';
import type { OAuthStateCookie } from './oauth-state-cookie';
import { isSafeRedirectPath } from './redirect-path';

export interface GithubLoginFlowOptions {
  github: GithubClient;
  auth: AuthService;
  cookie: OAuthStateCookie;
  /** The origin users reach: every redirect this flow answers points there. */
  publicUrl: string;
  logger: Logger;
}

/** The callback's query as Koa parses it: a repeated key is an array. */
export type CallbackQuery = Record<string, string | string[] | undefined>;

export interface FlowStep {
  /** An absolute URL to redirect the browser to. */
  location: string;
  /** A Set-Cookie header value. */
  setCookie: string;
}

/**
 * Sign in with GitHub, the two halves of the authorization code flow with PKCE:
 *
 * 1. `begin`: a fresh random state and PKCE verifier go into the signed cookie; the
 *    browser is sent to GitHub with the state and the verifier's S256 challenge.
 * 2. `complete`: the callback's state must equal the cookie's (the cookie is cleared
 *    whatever happens); the code is exchanged with the verifier, the profile read, the
 *    user found or created, and the browser sent to the app with the session token in
 *    the URL fragment, which browsers never send to a server, log or put in a Referer.
 *
 * Every failure sends the browser to `/login?login_error=<code>` instead: a readable
 * message on the login page, never an error page and never the provider's own text.
 */
export function createGithubLoginFlow({ github, auth, cookie, publicUrl, logger }: GithubLoginFlowOptions) {
  async function begin(redirect: string): Promise<FlowStep> {
    const state = oauth.randomState();
    const codeVerifier = oauth.randomPKCECodeVerifier();
    const location = await github.authorizationUrl(state, codeVerifier);
    return { location: location.href, setCookie: cookie.seal({ state, codeVerifier, redirect }) };
  }

  async function complete(query: CallbackQuery, cookieValue: string | undefined): Promise<FlowStep> {
    const setCookie = cookie.clear();
    try {
      const { location } = await signIn(query, cookieValue);
      return { location, setCookie };
    } catch (error) {
      const failure =
        error instanceof LoginFailure ? error : new LoginFailure('server_error', 'unexpected error while signing in');
      if (failure.code === 'server_error') logger.error({ err: error }, 'GitHub sign-in failed');
      else logger.warn({ reason: failure.code, detail: failure.detail }, 'GitHub sign-in refused');
      return { location: loginErrorUrl(failure.code), setCookie };
    }
  }

  async function signIn(query: CallbackQuery, cookieValue: string | undefined): Promise<{ location: string }> {
    const pending = cookie.open(cookieValue);
    if (!pending) throw new LoginFailure('state_mismatch', 'no valid sign-in cookie (missing, altered or expired)');
    const state = single(query.state);
    if (state === undefined || !sameText(state, pending.state)) {
      throw new LoginFailure('state_mismatch', 'the state does not match the cookie');
    }
    const providerError = single(query.error);
    if (providerError !== undefined) {
      const code = providerError === 'access_denied' ? 'access_denied' : 'provider_error';
      throw new LoginFailure(code, 'the provider sent an error instead of a code');
    }
    const code = single(query.code);
    if (!code) throw new LoginFailure('provider_error', 'the callback has no code');

    const accessToken = await github.exchangeCode(code, state, pending.codeVerifier);
    const profile = await github.fetchProfile(accessToken);
    const { user, token, expiresAt } = await auth.loginWithGithub(profile);
    logger.info({ userId: user.id, githubId: profile.id }, 'signed in with GitHub');

    // Checked when the sign-in began and signed since; checked again all the same, as this is where it counts.
    const target = new URL(isSafeRedirectPath(pending.redirect) ? pending.redirect : '/', publicUrl);
    target.hash = new URLSearchParams({ token, expiresAt: expiresAt.toISOString() }).toString();
    return { location: target.href };
  }

  function loginErrorUrl(code: LoginFailureCode): string {
    const url = new URL('/login', publicUrl);
    url.searchParams.set('login_error', code);
    return url.href;
  }

  return { begin, complete };
}

export type GithubLoginFlow = ReturnType<typeof createGithubLoginFlow>;

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
