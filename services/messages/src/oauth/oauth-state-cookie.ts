import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What the browser carries from leaving for the provider until it comes back. */
export interface PendingLogin {
  /** The `state` sent to the provider; the callback must bring back the same. */
  state: string;
  /** The PKCE verifier; only its S256 challenge went to the provider. */
  codeVerifier: string;
  /** Where to land after signing in: a path already checked by redirect-path.ts. */
  redirect: string;
}

export const OAUTH_COOKIE_NAME = 'messenger_oauth';
// Sent back only to the start and callback routes, not with every API call.
export const OAUTH_COOKIE_PATH = '/api/oauth/github';
export const OAUTH_COOKIE_TTL_SECONDS = 600;

const payloadSchema = z.object({
  state: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  redirect: z.string(),
  expiresAt: z.number(),
});

export interface OAuthStateCookieOptions {
  /** JWT_SECRET: the cookie's key is derived from it under a label of its own. */
  secret: string;
  /** Adds `Secure`: when users reach the site over https. */
  secure: boolean;
  now?: () => number;
}

/**
 * Binds a sign-in to the browser that started it: the state, the PKCE verifier and the
 * redirect in one HttpOnly, SameSite=Lax, path-scoped cookie, signed with HMAC-SHA256
 * so that no one can make one up. It expires after 10 minutes (inside the signed value
 * too, so an old cookie kept past its Max-Age is still refused).
 */
export function createOAuthStateCookie({ secret, secure, now = Date.now }: OAuthStateCookieOptions) {
  // Derived, not JWT_SECRET itself: a signature made here can never pass as a token's.
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'messenger oauth state cookie v1', 32));
  const sign = (data: string) => createHmac('sha256', key).update(data).digest();
  const attributes = `Path=${OAUTH_COOKIE_PATH}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

  /** The Set-Cookie header value that stores `pending`. */
  function seal(pending: PendingLogin): string {
    const payload = { ...pending, expiresAt: now() + OAUTH_COOKIE_TTL_SECONDS * 1000 };
    const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const value = `${data}.${sign(data).toString('base64url')}`;
    return `${OAUTH_COOKIE_NAME}=${value}; Max-Age=${OAUTH_COOKIE_TTL_SECONDS}; ${attributes}`;
  }

  /** The pending login of a cookie value; undefined when missing, forged, altered or expired. */
  function open(value: string | undefined): PendingLogin | undefined {
    const [data, signature, extra] = (value ?? '').split('.');
    if (!data || !signature || extra !== undefined) return undefined;
    const expected = sign(data);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed;
    try {
      parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(data, 'base64url').toString()));
    } catch {
      return undefined;
    }
    if (!parsed.success || parsed.data.expiresAt <= now()) return undefined;
    const { state, codeVerifier, redirect } = parsed.data;
    return { state, codeVerifier, redirect };
  }

  /** The Set-Cookie header value that deletes the cookie. */
  const clear = () => `${OAUTH_COOKIE_NAME}=; Max-Age=0; ${attributes}`;

  return { seal, open, clear };
}

export type OAuthStateCookie = ReturnType<typeof createOAuthStateCookie>;
