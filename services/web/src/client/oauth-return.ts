/**
 * The way back from "Sign in with GitHub". The server ends the sign-in with a redirect
 * to `…#token=…&expiresAt=…` (a fragment never reaches a server, a log or a Referer),
 * or to `/login?login_error=<code>`. Both are read once at startup and removed from the
 * address bar and the history entry at once, so a token is never left where a reload,
 * a bookmark or a shared link could carry it.
 */
export interface OAuthReturn {
  token: string;
  expiresAt: string;
}

export function takeOAuthReturn(): OAuthReturn | undefined {
  if (!location.hash) return undefined;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  const expiresAt = params.get('expiresAt');
  if (token === null && expiresAt === null) return undefined;
  history.replaceState(history.state, '', location.pathname + location.search);
  if (!token || !expiresAt || Number.isNaN(Date.parse(expiresAt))) return undefined;
  return { token, expiresAt };
}

/** The message for `?login_error=` (removed from the address bar), or undefined. */
export function takeLoginError(): string | undefined {
  const params = new URLSearchParams(location.search);
  const code = params.get('login_error');
  if (code === null) return undefined;
  params.delete('login_error');
  const search = params.toString();
  history.replaceState(history.state, '', location.pathname + (search ? `?${search}` : '') + location.hash);
  return loginErrorMessage(code);
}

// Our own words for each failure: the page never shows text that came in the URL.
const MESSAGES: Record<string, string> = {
  state_mismatch: 'That sign-in expired or was started in another tab or browser. Please try again.',
  access_denied: 'GitHub sign-in was cancelled.',
  provider_error: 'GitHub could not complete the sign-in. Please try again.',
  exchange_failed: 'GitHub did not confirm the sign-in. Please try again.',
  profile_failed: 'Your GitHub profile could not be read. Please try again.',
  username_unavailable: 'No username could be found for your GitHub account. Please contact us.',
  session_failed: 'Signing in did not complete. Please try again.',
};

export function loginErrorMessage(code: string): string {
  return MESSAGES[code] ?? 'Signing in failed. Please try again.';
}
