import { ConfigError, loadConfig } from '#libs/config';
import { startMessagesApp, useMessagesApp } from '../../../test/support/messages/messages-app';
import { createApiClient } from '../../../test/support/messages/messages-client';
import { createOAuthStateCookie } from '../src/oauth/oauth-state-cookie';

const GITHUB = {
  GITHUB_CLIENT_ID: 'Iv1.0123456789abcdef',
  GITHUB_CLIENT_SECRET: '0123456789abcdef0123456789abcdef01234567',
};
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars' };

describe('GitHub login settings', () => {
  test('When neither GitHub credential is set, then GitHub login is off', () => {
    expect(loadConfig({}).auth.github).toBeNull();
  });

  test('When both are set, then GitHub login is on with github.com, api.github.com and the web URL as defaults', () => {
    const config = loadConfig({ ...GITHUB, WEB_PORT: '8181' });
    expect(config.auth.github).toEqual({
      clientId: GITHUB.GITHUB_CLIENT_ID,
      clientSecret: GITHUB.GITHUB_CLIENT_SECRET,
      oauthUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
    });
    expect(config.publicUrl).toBe('http://127.0.0.1:8181');
  });

  test('When GitHub Enterprise URLs and PUBLIC_URL are given, then they are used without a trailing slash', () => {
    const config = loadConfig({
      ...GITHUB,
      GITHUB_OAUTH_URL: 'https://ghe.example.com/',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      PUBLIC_URL: 'https://Chat.Example.com/',
    });
    expect(config.auth.github).toMatchObject({
      oauthUrl: 'https://ghe.example.com',
      apiUrl: 'https://ghe.example.com/api/v3',
    });
    expect(config.publicUrl).toBe('https://chat.example.com');
  });

  test.each([
    ['GITHUB_CLIENT_SECRET', { GITHUB_CLIENT_ID: GITHUB.GITHUB_CLIENT_ID }],
    ['GITHUB_CLIENT_ID', { GITHUB_CLIENT_SECRET: GITHUB.GITHUB_CLIENT_SECRET }],
  ])('When only one credential is set, then loading the config fails naming %s', (missing, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${missing}: must be set`));
  });

  test('When GitHub login is on in production without PUBLIC_URL, then loading the config fails naming PUBLIC_URL', () => {
    expect(() => loadConfig({ ...PRODUCTION, ...GITHUB })).toThrow(/PUBLIC_URL/);
    expect(loadConfig({ ...PRODUCTION, ...GITHUB, PUBLIC_URL: 'https://chat.example.com' }).publicUrl).toBe(
      'https://chat.example.com',
    );
  });

  test.each([
    'chat.example.com',
    'ftp://chat.example.com',
    'https://chat.example.com/app',
    'https://chat.example.com/?x=1',
  ])('When PUBLIC_URL=%s, then loading the config fails naming PUBLIC_URL', (value) => {
    expect(() => loadConfig({ ...GITHUB, PUBLIC_URL: value })).toThrow(/PUBLIC_URL/);
  });

  test.each(['GITHUB_OAUTH_URL', 'GITHUB_API_URL'])(
    'When %s is not an http(s) URL, then loading the config fails naming it',
    (name) => {
      expect(() => loadConfig({ ...GITHUB, [name]: 'github.com' })).toThrow(new RegExp(name));
    },
  );
});

describe('GitHub login switched off', () => {
  const { api } = useMessagesApp();

  test('When GitHub login is not configured, then the providers say so and its routes do not exist', async () => {
    expect((await api.get('/api/auth/providers')).body).toEqual({ github: false, dev: true });
    for (const path of ['/api/oauth/github', '/api/oauth/github/callback?code=a&state=b']) {
      const response = await api.get(path);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
  });

  test('When the development login is off and GitHub on (production), then the providers say GitHub only', async () => {
    const app = await startMessagesApp({ ...PRODUCTION, ...GITHUB, PUBLIC_URL: 'https://chat.example.com' });
    try {
      const client = createApiClient(app.url);
      expect((await client.get('/api/auth/providers')).body).toEqual({ github: true, dev: false });
      // Users reach it over https: the state cookie is Secure.
      const started = await fetch(`${app.url}/api/oauth/github`, { redirect: 'manual' });
      expect(started.status).toBe(302);
      expect(started.headers.get('set-cookie')).toMatch(/; Secure/);
      expect(started.headers.get('location')).toMatch(
        /^https:\/\/github\.com\/login\/oauth\/authorize\?.*redirect_uri=https%3A%2F%2Fchat\.example\.com%2Fapi%2Foauth%2Fgithub%2Fcallback/,
      );
    } finally {
      await app.stop();
    }
  });
});

describe('The state cookie', () => {
  const pending = { state: 's'.repeat(43), codeVerifier: 'v'.repeat(43), redirect: '/' };
  const valueOf = (setCookie: string) => /^messenger_oauth=([^;]*)/.exec(setCookie)![1];

  test('When a sealed cookie comes back within ten minutes, then it opens to what was sealed; after that, it does not', () => {
    let now = 1_000_000;
    const cookie = createOAuthStateCookie({ secret: 'x'.repeat(32), secure: false, now: () => now });
    const value = valueOf(cookie.seal(pending));
    now += 599_000;
    expect(cookie.open(value)).toEqual(pending);
    now += 1_000;
    expect(cookie.open(value)).toBeUndefined();
  });

  test('When a cookie was signed with another JWT_SECRET, or is not a cookie of ours at all, then it does not open', () => {
    const ours = createOAuthStateCookie({ secret: 'x'.repeat(32), secure: false });
    const theirs = createOAuthStateCookie({ secret: 'y'.repeat(32), secure: false });
    for (const value of [valueOf(theirs.seal(pending)), '', 'abc', 'a.b', 'a.b.c', `${valueOf(ours.seal(pending))}x`]) {
      expect(ours.open(value)).toBeUndefined();
    }
  });
});
