import { randomBytes } from 'node:crypto';
import { useMessagesApp, useTestDatabase } from '../../../test/support/messages/messages-app';
import { loginUser, uniqueUsername } from '../../../test/support/messages/messages-client';
import { newGithubProfile, startFakeGithub, type FakeGithub } from '../../../test/support/messages/fake-github';
import {
  authorize,
  finishSignIn,
  signInWithGithub,
  startSignIn,
  type FinishedSignIn,
} from '../../../test/support/messages/github-sign-in';
import { captureLogLines } from '../../../test/support/stream/stream-log-capture';

// Where users reach the product; the tests reach the service at its own URL.
const PUBLIC_URL = 'http://messenger.test:8080';
const CALLBACK = `${PUBLIC_URL}/api/oauth/github/callback`;

let fake: FakeGithub;
beforeAll(async () => {
  fake = await startFakeGithub();
});
afterAll(() => fake?.stop());

const logs = captureLogLines('trace');
const service = useMessagesApp(() => ({ env: fake.env(PUBLIC_URL), deps: { logger: logs.logger } }));
const { api } = service;
const db = useTestDatabase();

async function me(signedIn: FinishedSignIn) {
  expect(signedIn.token).toEqual(expect.any(String));
  const response = await api.get('/api/auth_user', { token: signedIn.token });
  expect(response.status).toBe(200);
  return response.body as { id: string; username: string; avatarUrl: string | null };
}

async function signInAs(profile = newGithubProfile()) {
  fake.profile = profile;
  const signedIn = await signInWithGithub(service.app.url);
  return { signedIn, user: await me(signedIn) };
}

describe('Sign in with GitHub', () => {
  test('When a new GitHub user signs in, then they are sent to GitHub with state and PKCE, come back, and land on the app with a session token in the fragment', async () => {
    const profile = newGithubProfile();
    fake.profile = profile;

    const started = await startSignIn(service.app.url);
    expect(started.response.status).toBe(302);
    expect(started.response.headers.get('cache-control')).toBe('no-store');
    const authorizeUrl = started.location!;
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${fake.url}/login/oauth/authorize`);
    const params = authorizeUrl.searchParams;
    expect(params.get('client_id')).toBe(fake.clientId);
    expect(params.get('redirect_uri')).toBe(CALLBACK);
    expect(params.get('scope')).toBe('read:user');
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{43,}$/);
    expect(authorizeUrl.href).not.toContain(fake.clientSecret);
    // The state cookie: HttpOnly, Lax, scoped to the OAuth routes, ten minutes, not Secure over http.
    const attributes = started.setCookie.split(/;\s*/);
    expect(attributes[0]).toMatch(/^messenger_oauth=[\w-]+\.[\w-]+$/);
    expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=600', 'Path=/api/oauth/github', 'SameSite=Lax']);

    const callbackUrl = await authorize(authorizeUrl);
    expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(CALLBACK);
    const finished = await finishSignIn(service.app.url, callbackUrl, started.cookie);
    expect(finished.response.status).toBe(302);
    expect(finished.response.headers.get('cache-control')).toBe('no-store');
    expect(finished.response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(`${finished.location.origin}${finished.location.pathname}${finished.location.search}`).toBe(
      `${PUBLIC_URL}/`,
    );
    expect(await finished.response.text()).toBe('');
    expect(finished.setCookie).toMatch(/^messenger_oauth=; Max-Age=0; Path=\/api\/oauth\/github; HttpOnly/);
    const lifetime = Date.parse(finished.expiresAt!) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 86400_000 - 60_000);

    // The exchange sent the PKCE verifier and the secret, as a form post.
    const exchange = fake.tokenRequests.at(-1)!;
    expect(exchange.get('code')).toBe(callbackUrl.searchParams.get('code'));
    expect(exchange.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(exchange.get('redirect_uri')).toBe(CALLBACK);

    const user = await me(finished);
    expect(user).toEqual({ id: expect.any(String), username: profile.login, avatarUrl: profile.avatar_url });
    const row = await db.user.findUnique({ where: { githubId: String(profile.id) } });
    expect(row?.id).toBe(BigInt(user.id));

    // Nothing secret in any log line: not the code, the state, GitHub's token, ours, or the client secret.
    const logged = logs.lines.join('\n');
    expect(logs.lines.some((line) => line.includes('signed in with GitHub'))).toBe(true);
    for (const secret of [
      callbackUrl.searchParams.get('code')!,
      callbackUrl.searchParams.get('state')!,
      fake.issuedTokens.at(-1)!,
      finished.token!,
      fake.clientSecret,
      exchange.get('code_verifier')!,
    ]) {
      expect(logged).not.toContain(secret);
    }
    // The callback's request line is logged, with its query values redacted.
    expect(logged).toContain('/api/oauth/github/callback?');
  });

  test('When a user signs in again after renaming on GitHub and changing their picture, then it is the same account and username, with the new picture', async () => {
    const profile = newGithubProfile();
    const first = await signInAs(profile);
    const renamed = { ...profile, login: `${profile.login}-new`, avatar_url: 'https://avatars.example.com/u/new?v=5' };
    const again = await signInAs(renamed);
    expect(again.user).toEqual({ id: first.user.id, username: profile.login, avatarUrl: renamed.avatar_url });
  });

  test('When a GitHub login is already a development-login user, in another case, then the GitHub user is a new account named login-2, and the next one login-3', async () => {
    const login = `Clash-${randomBytes(4).toString('hex')}`;
    const existing = await loginUser(api, login.toLowerCase());
    const second = await signInAs(newGithubProfile(login));
    expect(second.user.username).toBe(`${login}-2`);
    expect(second.user.id).not.toBe(existing.id);
    const third = await signInAs(newGithubProfile(login.toUpperCase()));
    expect(third.user.username).toBe(`${login.toUpperCase()}-3`);
    // The development-login user is untouched, and still signs in as themselves.
    expect((await loginUser(api, login.toLowerCase())).id).toBe(existing.id);
  });

  test('When a 39-character login is taken, then the variant is shortened to fit 39 characters', async () => {
    const login = uniqueUsername('long').padEnd(39, 'x');
    await loginUser(api, login);
    const { user } = await signInAs(newGithubProfile(login));
    expect(user.username).toBe(`${login.slice(0, 37)}-2`);
  });

  test('When four GitHub accounts with the same login finish signing in at once, then each gets its own account and a distinct name', async () => {
    const login = `race-${randomBytes(4).toString('hex')}`;
    const pending = [];
    for (let i = 0; i < 4; i++) {
      fake.profile = newGithubProfile(login);
      const started = await startSignIn(service.app.url);
      pending.push({ started, callbackUrl: await authorize(started.location!) });
    }
    const finished = await Promise.all(
      pending.map(({ started, callbackUrl }) => finishSignIn(service.app.url, callbackUrl, started.cookie)),
    );
    const users = await Promise.all(finished.map(me));
    expect(users.map((u) => u.username).sort()).toEqual([login, `${login}-2`, `${login}-3`, `${login}-4`]);
    expect(new Set(users.map((u) => u.id)).size).toBe(4);
  });

  test('When the same new GitHub account finishes two sign-ins at once, then both end in the one same account', async () => {
    fake.profile = newGithubProfile();
    const pending = [];
    for (let i = 0; i < 2; i++) {
      const started = await startSignIn(service.app.url);
      pending.push({ started, callbackUrl: await authorize(started.location!) });
    }
    const finished = await Promise.all(
      pending.map(({ started, callbackUrl }) => finishSignIn(service.app.url, callbackUrl, started.cookie)),
    );
    const [a, b] = await Promise.all(finished.map(me));
    expect(a).toEqual(b);
    expect(a!.username).toBe(fake.profile.login);
  });

  test('When the sign-in asks for a redirect to a page of the app, then it lands there with the token in the fragment', async () => {
    fake.profile = newGithubProfile();
    const finished = await signInWithGithub(service.app.url, '?redirect=%2Fconversations%2F42%3Fx%3D1');
    expect(`${finished.location.origin}${finished.location.pathname}${finished.location.search}`).toBe(
      `${PUBLIC_URL}/conversations/42?x=1`,
    );
    expect((await me(finished)).username).toBe(fake.profile.login);
  });

  test.each([
    ['an absolute URL', 'https://evil.example/'],
    ['a scheme-relative URL', '//evil.example/x'],
    ['a backslash host', '/\\evil.example'],
    ['a backslash later in the path', '/a\\..\\\\evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path without a slash', 'evil.example'],
    ['a path with a tab', '/\t/evil.example'],
    ['a path with a newline', '/x\r\nSet-Cookie: a=b'],
    ['a path with a fragment', '/x#token=forged'],
    ['an empty value', ''],
  ])('When the redirect is %s, then 422 names the redirect field and nothing is started', async (_, redirect) => {
    const started = await startSignIn(service.app.url, `?redirect=${encodeURIComponent(redirect)}`);
    expect(started.response.status).toBe(422);
    expect(await started.response.json()).toEqual({
      error: { code: 'validation_failed', message: expect.any(String), fields: { redirect: expect.any(String) } },
    });
    expect(started.location).toBeUndefined();
    expect(started.setCookie).toBe('');
  });

  test('When the redirect is given twice, then 422', async () => {
    const started = await startSignIn(service.app.url, '?redirect=/a&redirect=/b');
    expect(started.response.status).toBe(422);
  });

  test('When the login page asks which sign-ins exist, then GitHub and the development login are both on', async () => {
    const response = await api.get('/api/auth/providers');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ github: true, dev: true });
  });
});
