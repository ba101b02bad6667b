import * as oauth from 'openid-client';
import { z } from 'zod';
import { LoginFailure } from '../domain/login-failure';

export interface GithubSettings {
  clientId: string;
  clientSecret: string;
  /** `https://github.com`, or a GitHub Enterprise or test host: authorize and access_token live under it. */
  oauthUrl: string;
  /** `https://api.github.com`, or `https://<host>/api/v3` on GitHub Enterprise. */
  apiUrl: string;
}

/** The few facts of a GitHub account this product keeps. */
export interface GithubProfile {
  /** GitHub's numeric user id, as text: it never changes, unlike the login. */
  id: string;
  login: string;
  avatarUrl: string | null;
}

export interface GithubClientOptions {
  /** `${PUBLIC_URL}/api/oauth/github/callback`: the callback URL registered on GitHub. */
  redirectUri: string;
  /** Deadline of the token exchange and of the profile request, each. */
  timeoutMs: number;
}

// `read:user` is enough for /user (id, login, avatar); nothing is asked that is not used.
const SCOPE = 'read:user';
const USER_AGENT = 'messenger';

// What /user must hold; anything else is a garbage answer (profile_failed), not a crash.
const profileSchema = z.object({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  login: z.string().min(1).max(100),
  avatar_url: z.string().max(2000).nullish(),
});

/**
 * GitHub's side of the sign-in. The OAuth protocol steps (authorization URL with PKCE,
 * the code exchange with its state and PKCE checks) are openid-client's, given
 * GitHub's endpoints by hand (GitHub publishes no discovery document). The profile is
 * a plain API call. Both requests are time-limited and abort when the deadline passes.
 *
 * The access token is used once, for the profile, and is neither kept nor logged.
 */
export function createGithubClient(settings: GithubSettings, { redirectUri, timeoutMs }: GithubClientOptions) {
  const config = new oauth.Configuration(
    {
      issuer: settings.oauthUrl,
      authorization_endpoint: `${settings.oauthUrl}/login/oauth/authorize`,
      token_endpoint: `${settings.oauthUrl}/login/oauth/access_token`,
    },
    settings.clientId,
    // client_secret_post: GitHub's documented way of sending the secret.
    settings.clientSecret,
  );
  config.timeout = timeoutMs / 1000;
  // openid-client refuses plain http; only a local fake provider or a lab GHE uses it.
  if (new URL(settings.oauthUrl).protocol === 'http:') oauth.allowInsecureRequests(config);

  async function authorizationUrl(state: string, codeVerifier: string): Promise<URL> {
    return oauth.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /** The access token for `code`. Throws LoginFailure `exchange_failed`. */
  async function exchangeCode(code: string, state: string, codeVerifier: string): Promise<string> {
    // Only code and state: other parameters GitHub may add (such as `iss`) are not checked against anything here.
    const callback = new URL(redirectUri);
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', state);
    try {
      const tokens = await oauth.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
      });
      return tokens.access_token;
    } catch (error) {
      throw new LoginFailure('exchange_failed', describe(error));
    }
  }

  /** The signed-in user's profile. Throws LoginFailure `profile_failed`. */
  async function fetchProfile(accessToken: string): Promise<GithubProfile> {
    let response: Response;
    try {
      response = await fetch(`${settings.apiUrl}/user`, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/vnd.github+json',
          'user-agent': USER_AGENT,
          'x-github-api-version': '2022-11-28',
        },
        redirect: 'error',
        // Covers reading the body too: a provider that stalls mid-answer is cut off as well.
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new LoginFailure('profile_failed', `GET /user failed: ${describe(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new LoginFailure('profile_failed', `GET /user answered ${response.status}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      // Not the parser's message: it quotes the body.
      const name = (error as { name?: unknown } | null)?.name;
      throw new LoginFailure(
        'profile_failed',
        `GET /user answered a body that could not be read as JSON (${String(name)})`,
      );
    }
    const parsed = profileSchema.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'body').join(', ');
      throw new LoginFailure('profile_failed', `GET /user answered an unexpected shape (${fields})`);
    }
    const { id, login, avatar_url } = parsed.data;
    return { id: String(id), login, avatarUrl: httpUrlOrNull(avatar_url) };
  }

  return { authorizationUrl, exchangeCode, fetchProfile };
}

export type GithubClient = ReturnType<typeof createGithubClient>;

function httpUrlOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A log-safe description of a failed request: down the chain of causes, each error's
 * name, library code and message (fixed texts in openid-client and fetch), and the
 * provider's OAuth error code where a response body is the cause (GitHub refuses an
 * exchange with 200 and `{"error": "bad_verification_code"}`). Never a body or any
 * other value from it: it can hold the code or a token.
 */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  // Errors may come from another realm (fetch's), so they are recognised by shape.
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { name, code, message, error: oauthError, body, cause } = current as Record<string, unknown>;
    if (typeof message === 'string') {
      parts.push([name, code, message].filter((part) => typeof part === 'string').join(': '));
    }
    // openid-client keeps the answer as `{body}`; a parsed OAuth error body has `error`.
    const providerError = oauthError ?? (body as { error?: unknown } | null | undefined)?.error;
    if (typeof providerError === 'string' && /^[\w.-]{1,64}$/.test(providerError)) {
      parts.push(`provider error ${providerError}`);
    }
    current = cause;
  }
  return parts.join(' <- ') || 'unknown error';
}
