/**
 * A browser's part of "Sign in with GitHub", step by step, for service-level tests:
 * each redirect is followed by hand (so a test can stop, alter or replay any step), and
 * the state cookie is carried like a browser carries it.
 *
 * The service's redirects point at PUBLIC_URL; the test reaches the service at its own
 * URL, so the callback is requested at the app's URL with PUBLIC_URL's path and query.
 */
export interface StartedSignIn {
  response: Response;
  /** The `messenger_oauth=...` pair for a Cookie header; empty when none was set. */
  cookie: string;
  /** The Set-Cookie header as sent. */
  setCookie: string;
  /** Where the browser is sent: the provider's authorize URL. */
  location: URL | undefined;
}

export interface FinishedSignIn {
  response: Response;
  setCookie: string;
  location: URL;
  /** From the fragment, on success. */
  token?: string;
  expiresAt?: string;
  /** From `?login_error=`, on failure. */
  loginError?: string;
}

const noRedirect = { redirect: 'manual' } as const;

export async function startSignIn(appUrl: string, query = ''): Promise<StartedSignIn> {
  const response = await fetch(`${appUrl}/api/oauth/github${query}`, noRedirect);
  const setCookie = response.headers.getSetCookie().join('\n');
  const location = response.headers.get('location');
  return {
    response,
    setCookie,
    cookie: /^(messenger_oauth=[^;]*)/.exec(setCookie)?.[1] ?? '',
    location: location ? new URL(location) : undefined,
  };
}

/** The provider's consent step: the callback URL it sends the browser back to. */
export async function authorize(authorizeUrl: URL): Promise<URL> {
  const response = await fetch(authorizeUrl, noRedirect);
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}`);
  return new URL(location);
}

export async function finishSignIn(appUrl: string, callbackUrl: URL, cookie: string): Promise<FinishedSignIn> {
  const response = await fetch(`${appUrl}${callbackUrl.pathname}${callbackUrl.search}`, {
    ...noRedirect,
    headers: cookie ? { cookie } : {},
  });
  const location = new URL(response.headers.get('location') ?? 'about:blank');
  const fragment = new URLSearchParams(location.hash.slice(1));
  return {
    response,
    setCookie: response.headers.getSetCookie().join('\n'),
    location,
    token: fragment.get('token') ?? undefined,
    expiresAt: fragment.get('expiresAt') ?? undefined,
    loginError: location.searchParams.get('login_error') ?? undefined,
  };
}

/** All three steps, as a browser that consents does them. */
export async function signInWithGithub(appUrl: string, query = ''): Promise<FinishedSignIn> {
  const started = await startSignIn(appUrl, query);
  if (!started.location) throw new Error(`sign-in start answered ${started.response.status}`);
  return finishSignIn(appUrl, await authorize(started.location), started.cookie);
}
