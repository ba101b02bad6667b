import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, startConversation, type TestUser } from '../../../test/support/messages/messages-client';
import { startDatabaseProxy, type DatabaseProxy } from '../../../test/support/messages/messages-db-proxy';
import { testEventsPrefix } from '../../../test/support/product/test-events-prefix';
import { testConfig } from '../../../test/support/product/test-config';

// PostgreSQL is reached through a proxy this file can cut: the real one is shared.
let proxy: DatabaseProxy;

beforeAll(async () => {
  proxy = await startDatabaseProxy(testConfig().databaseUrl);
});

// The proxy leads to the test database, so the events prefix is that database's.
const { api } = useMessagesApp(() => ({ env: { DATABASE_URL: proxy.url, EVENTS_PREFIX: testEventsPrefix() } }));

afterAll(() => proxy?.stop());

// A test that cut the proxy restores it even when it fails, so the next test starts with PostgreSQL up.
afterEach(() => proxy.restore().catch(() => {}));

async function untilHealthy() {
  let up = await api.get('/healthz');
  for (let i = 0; i < 50 && up.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    up = await api.get('/healthz');
  }
  return up;
}

test('When PostgreSQL stops answering, then /healthz is 503 naming PostgreSQL, and 200 again once it is back', async () => {
  expect((await api.get('/healthz')).status).toBe(200);

  await proxy.cut();
  const down = await api.get('/healthz');
  expect(down.status).toBe(503);
  expect(down.body).toEqual({ status: 'unavailable', postgres: 'unavailable', redis: 'ok', outbox: null });

  await proxy.restore();
  // The test database's outbox is shared with other test files: its size is theirs too.
  expect((await untilHealthy()).body).toEqual({
    status: 'ok',
    postgres: 'ok',
    redis: 'ok',
    outbox: { backlog: expect.any(Number), oldestAgeMs: expect.any(Number) },
  });
});

describe('Requests while PostgreSQL is unreachable', () => {
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    conversationId = await startConversation(api, alice, bob);
  });

  const requests = () =>
    [
      ['POST', `/api/conversations/${conversationId}/messages`, { content: 'while down' }],
      ['GET', `/api/conversations/${conversationId}/messages`],
      ['GET', '/api/conversations'],
      ['GET', '/api/auth_user'],
      ['POST', `/api/conversations/${conversationId}/read_messages`],
      ['POST', '/api/login', { username: alice.username }],
    ] as const;

  test('When a request needs PostgreSQL and it is unreachable, then it answers 503 database_unavailable with Retry-After within seconds, and succeeds again once PostgreSQL is back, without a restart', async () => {
    await proxy.cut();
    for (const [method, path, json] of requests()) {
      const started = Date.now();
      const response = await api.request(method, path, { token: alice.token, json });
      expect({ method, path, status: response.status, body: response.body }).toEqual({
        method,
        path,
        status: 503,
        body: { error: { code: 'database_unavailable', message: expect.any(String) } },
      });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      // A refused connection fails at once; the bound leaves room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(3000);
    }

    await proxy.restore();
    await untilHealthy();
    const sent = await api.post(`/api/conversations/${conversationId}/messages`, {
      token: alice.token,
      json: { content: 'after the outage' },
    });
    expect(sent.status).toBe(201);
    const listed = await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token });
    expect(listed.body.map((m: { content: string }) => m.content)).toEqual(['after the outage']);
  });
});
