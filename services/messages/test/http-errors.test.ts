import { gzipSync } from 'node:zlib';
import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, type TestUser } from '../../../test/support/messages/messages-client';

const { api } = useMessagesApp();
let user: TestUser;

beforeAll(async () => {
  user = await loginUser(api);
});

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } });

describe('request bodies', () => {
  test('When a body is sent as text/plain, then 415', async () => {
    const response = await api.post('/api/login', {
      body: '{"username":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect(response.body).toEqual(errorBody('unsupported_media_type'));
  });

  test('When a body is sent as a form, then 415', async () => {
    const response = await api.post('/api/conversations', {
      token: user.token,
      body: 'username=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
  });

  test('When the JSON is malformed, then 400', async () => {
    const response = await api.post('/api/login', {
      body: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorBody('malformed_json'));
  });

  test('When the body is over 64 KiB, then 413', async () => {
    const response = await api.post('/api/login', {
      body: JSON.stringify({ username: 'a', padding: 'x'.repeat(65 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual(errorBody('payload_too_large'));
  });

  test('When the JSON body is an array or a bare string, then 4xx with a JSON error', async () => {
    const asArray = await api.post('/api/login', { json: ['x'] });
    expect(asArray.status).toBe(422);
    expect(asArray.body.error.fields).toBeDefined();
    const asString = await api.post('/api/login', { body: '"x"', headers: { 'content-type': 'application/json' } });
    expect(asString.status).toBe(400);
  });

  test.each(['null', '42', 'true'])(
    'When the JSON body is the bare value %s, then 400 (only objects and arrays are JSON bodies here)',
    async (body) => {
      const response = await api.post('/api/login', { body, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorBody('malformed_json'));
    },
  );

  test('When the body has fields the route does not know, then they are ignored', async () => {
    const response = await api.post('/api/login', { json: { username: user.username, admin: true, id: '1' } });
    expect(response.status).toBe(200);
    expect(response.body.authUser.id).toBe(user.id);
  });

  test('When a body is gzip-compressed, then it is read; when it claims gzip but is not, then 400', async () => {
    const json = { 'content-type': 'application/json' };
    const zipped = await api.post('/api/login', {
      body: gzipSync(JSON.stringify({ username: user.username })),
      headers: { ...json, 'content-encoding': 'gzip' },
    });
    expect(zipped.status).toBe(200);
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await api.post('/api/login', {
        body: '{"username":"x"}',
        headers: { ...json, 'content-encoding': encoding },
      });
      expect({ encoding, status: response.status, body: response.body }).toEqual({
        encoding,
        status: 400,
        body: errorBody('malformed_body'),
      });
    }
    const unknown = await api.post('/api/login', {
      body: '{"username":"x"}',
      headers: { ...json, 'content-encoding': 'x-nope' },
    });
    expect(unknown.status).toBe(415);
  });

  test('When a body-carrying request has no body, then the missing field is a 422', async () => {
    const response = await api.post('/api/conversations', { token: user.token });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual({ username: expect.any(String) });
  });
});

describe('routes and ids', () => {
  test('When the route does not exist, then 404 with a JSON error', async () => {
    const response = await api.get('/api/nothing-here', { token: user.token });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorBody('not_found'));
  });

  test('When a method is not allowed on a route, then 405 with a JSON error', async () => {
    const response = await api.request('DELETE', '/api/auth_user', { token: user.token });
    expect(response.status).toBe(405);
    expect(response.body).toEqual(errorBody('method_not_allowed'));
  });

  const badIds = [
    'abc',
    '0',
    '-1',
    '01',
    '1.5',
    '1e3',
    '99999999999999999999',
    '9223372036854775808',
    '%20',
    '%',
    '%zz',
    '%00',
    '1%00',
  ];
  const routes: [string, (id: string) => [string, string, object?]][] = [
    ['GET /api/conversations/:id', (id) => ['GET', `/api/conversations/${id}`]],
    ['GET /api/conversations/:id/other_participant', (id) => ['GET', `/api/conversations/${id}/other_participant`]],
    ['GET /api/conversations/:id/messages', (id) => ['GET', `/api/conversations/${id}/messages`]],
    ['POST /api/conversations/:id/messages', (id) => ['POST', `/api/conversations/${id}/messages`, { content: 'hi' }]],
    ['POST /api/conversations/:id/read_messages', (id) => ['POST', `/api/conversations/${id}/read_messages`]],
  ];

  test.each(routes)('When %s gets an id that is not an id or names nothing, then 404 (never 500)', async (_, route) => {
    for (const id of [...badIds, '9223372036854775807', '123456789012']) {
      const [method, path, json] = route(id);
      const response = await api.request(method, path, { token: user.token, json });
      expect({ id, status: response.status }).toEqual({ id, status: 404 });
      expect(response.body.error.code).toBe('not_found');
    }
  });
});
