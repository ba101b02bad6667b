import jwt from 'jsonwebtoken';
import { createTokenService } from '#libs/auth';
import { useMessagesApp, useTestDatabase } from '../../../test/support/messages/messages-app';
import { loginUser, uniqueUsername } from '../../../test/support/messages/messages-client';

const service = useMessagesApp();
const { api } = service;
const db = useTestDatabase();

function tokens(secret = service.app.config.auth.jwtSecret, now?: () => number) {
  return createTokenService({ jwtSecret: secret, tokenTtlSeconds: 3600, streamTokenTtlSeconds: 60, now });
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('POST /api/login', () => {
  test('When a new username logs in, then the user is created and the token works for 14 days', async () => {
    const username = uniqueUsername('Login');
    const response = await api.post('/api/login', { json: { username } });
    expect(response.status).toBe(200);
    expect(response.body.authUser).toEqual({ id: expect.stringMatching(/^\d+$/), username, avatarUrl: null });
    const lifetime = Date.parse(response.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 86400_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(14 * 86400_000);
    const me = await api.get('/api/auth_user', { token: response.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(response.body.authUser);
  });

  test('When a username logs in again in another case, then it is the same user with the name as first typed', async () => {
    const username = uniqueUsername('CaSe');
    const first = await api.post('/api/login', { json: { username } });
    const again = await api.post('/api/login', { json: { username: username.toUpperCase() } });
    expect(again.status).toBe(200);
    expect(again.body.authUser).toEqual(first.body.authUser);
  });

  test('When the same new username logs in five times at once, then all get the one same user', async () => {
    const username = uniqueUsername('race');
    const responses = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        api.post('/api/login', { json: { username: i % 2 ? username.toUpperCase() : username } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(responses.map((r) => r.body.authUser.id)).size).toBe(1);
  });

  test.each([
    ['an empty username', { username: '' }],
    ['a username with a space', { username: 'a b' }],
    ['a 40-character username', { username: 'a'.repeat(40) }],
    ['a username with a non-ASCII letter', { username: 'jürgen' }],
    ['a username with a wildcard', { username: 'a%' }],
    ['a number as username', { username: 42 }],
    ['no username', {}],
  ])('When the body has %s, then 422 names the username field', async (_, body) => {
    const response = await api.post('/api/login', { json: body });
    expect(response.status).toBe(422);
    expect(response.body.error).toEqual({
      code: 'validation_failed',
      message: expect.any(String),
      fields: { username: expect.any(String) },
    });
  });

  test('When a 39-character username with digits, "-" and "_" logs in, then it is accepted', async () => {
    const username = uniqueUsername('x').padEnd(37, '-') + '_9';
    expect(username).toHaveLength(39);
    expect((await api.post('/api/login', { json: { username } })).status).toBe(200);
  });
});

describe('tokens', () => {
  test('When a token is refreshed, then a new session token for the same user comes back', async () => {
    const user = await loginUser(api);
    const response = await api.post('/api/refresh_token', { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
    const me = await api.get('/api/auth_user', { token: response.body.token });
    expect(me.body.id).toBe(user.id);
  });

  test('When a stream token is asked for, then it is a stream-audience token of the user living at most 5 minutes', async () => {
    const user = await loginUser(api);
    const response = await api.post('/api/stream_token', { token: user.token });
    expect(response.status).toBe(200);
    const lifetime = Date.parse(response.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(service.app.config.auth.streamTokenTtlSeconds * 1000);
    expect(service.app.config.auth.streamTokenTtlSeconds).toBeLessThanOrEqual(300);
    const verified = tokens().verify(response.body.token, ['stream']);
    expect(verified).toMatchObject({ userId: user.id, audience: 'stream' });
  });

  test('When a stream token is used on the messages API, then 401 (it travels in URLs and is for the stream only)', async () => {
    const user = await loginUser(api);
    const { body } = await api.post('/api/stream_token', { token: user.token });
    const response = await api.get('/api/auth_user', { token: body.token });
    expect(response.status).toBe(401);
    expect((await api.post('/api/stream_token', { token: body.token })).status).toBe(401);
  });
});

describe('bad tokens', () => {
  let user: Awaited<ReturnType<typeof loginUser>>;
  beforeAll(async () => {
    user = await loginUser(api);
  });

  const cases: [string, () => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['an empty bearer token', () => ({ authorization: 'Bearer ' })],
    ['a malformed token', () => ({ authorization: 'Bearer not-a-jwt' })],
    ['a Basic scheme', () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
    [
      'an expired token',
      () => ({ authorization: `Bearer ${tokens(undefined, () => Date.now() - 7200_000).sign(user.id).token}` }),
    ],
    [
      'a token signed with another secret',
      () => ({ authorization: `Bearer ${tokens('x'.repeat(40)).sign(user.id).token}` }),
    ],
    [
      'an alg:none token',
      () => ({
        authorization: `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: user.id, aud: 'session', exp: Math.floor(Date.now() / 1000) + 600 })}.`,
      }),
    ],
    ['a token in the query string only', () => ({})],
    [
      'an HS512 token signed with the right secret',
      () => ({ authorization: `Bearer ${signed({ sub: user.id }, 'HS512')}` }),
    ],
    ['a token without exp', () => ({ authorization: `Bearer ${signed({ sub: user.id, exp: undefined })}` })],
    ['a token whose sub is not a user id', () => ({ authorization: `Bearer ${signed({ sub: 'admin' })}` })],
    [
      'a token whose sub is beyond BIGINT',
      () => ({ authorization: `Bearer ${signed({ sub: '9999999999999999999' })}` }),
    ],
    ['a token without an audience', () => ({ authorization: `Bearer ${signed({ sub: user.id, aud: undefined })}` })],
    ['two tokens in one header', () => ({ authorization: `Bearer ${user.token} ${user.token}` })],
  ];

  /** A token signed with the service's secret but not as the service signs them. */
  function signed(claims: Record<string, unknown>, algorithm: jwt.Algorithm = 'HS256'): string {
    const payload = Object.fromEntries(
      Object.entries({ aud: 'session', exp: Math.floor(Date.now() / 1000) + 600, ...claims }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    return jwt.sign(payload, service.app.config.auth.jwtSecret, { algorithm, noTimestamp: true });
  }

  test.each(cases)('When a request carries %s, then 401 with a JSON error', async (name, headers) => {
    const path = name.includes('query') ? `/api/auth_user?token=${user.token}` : '/api/auth_user';
    const response = await api.get(path, { headers: headers() });
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  test.each([
    ['no Authorization header', {}, 'token_missing'],
    ['an empty Authorization header', { authorization: '' }, 'token_missing'],
    ['a bare "Bearer"', { authorization: 'Bearer' }, 'token_malformed'],
    ['a Basic scheme', { authorization: 'Basic YTpi' }, 'token_malformed'],
    ['two tokens', { authorization: 'Bearer a b' }, 'token_malformed'],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-jwt' }, 'token_malformed'],
  ] as [string, Record<string, string>, string][])(
    'When a request carries %s, then 401 with code %s',
    async (_, headers, code) => {
      for (const path of ['/api/auth_user', '/api/conversations/1/messages']) {
        const response = await api.get(path, { headers });
        expect({ path, status: response.status, code: response.body.error.code }).toEqual({ path, status: 401, code });
      }
    },
  );

  test.each([
    ['extra spaces around the token', (token: string) => `Bearer    ${token}   `],
    ['the scheme in lower case', (token: string) => `bearer ${token}`],
  ])('When the Authorization header has %s, then the token is still accepted', async (_, header) => {
    const response = await api.get('/api/auth_user', { headers: { authorization: header(user.token) } });
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(user.id);
  });

  test('When the token belongs to a user that was deleted, then 401', async () => {
    const doomed = await loginUser(api);
    expect((await api.get('/api/auth_user', { token: doomed.token })).status).toBe(200);
    await db.user.delete({ where: { id: BigInt(doomed.id) } });
    expect((await api.get('/api/auth_user', { token: doomed.token })).status).toBe(401);
  });

  test('When a valid token of a user id that never existed is used, then 401', async () => {
    const response = await api.get('/api/auth_user', { token: tokens().sign('9223372036854775000').token });
    expect(response.status).toBe(401);
  });
});

describe('a deleted user on conversation routes', () => {
  test('When the token’s user was deleted, then sending, reading and getting the conversation are 401, not 404', async () => {
    const [doomed, other] = await Promise.all([loginUser(api), loginUser(api)]);
    const started = await api.post('/api/conversations', { token: doomed.token, json: { username: other.username } });
    const id = started.body.id;
    expect((await api.get(`/api/conversations/${id}`, { token: doomed.token })).status).toBe(200);
    await db.user.delete({ where: { id: BigInt(doomed.id) } });
    const responses = await Promise.all([
      api.post(`/api/conversations/${id}/messages`, { token: doomed.token, json: { content: 'ghost' } }),
      api.post(`/api/conversations/${id}/messages`, { token: doomed.token, json: { content: '' } }),
      api.get(`/api/conversations/${id}/messages`, { token: doomed.token }),
      api.post(`/api/conversations/${id}/read_messages`, { token: doomed.token }),
      api.get(`/api/conversations/${id}`, { token: doomed.token }),
      api.get(`/api/conversations/${id}/other_participant`, { token: doomed.token }),
      api.get('/api/conversations/abc', { token: doomed.token }),
      api.get('/api/conversations', { token: doomed.token }),
      api.post('/api/conversations', { token: doomed.token, json: { username: other.username } }),
      api.get(`/api/usernames?search=a`, { token: doomed.token }),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(401));
  });
});
