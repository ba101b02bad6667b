import { messagesTestConfig, useMessagesApp } from '../../../test/support/messages-app';
import { startDatabaseProxy, type DatabaseProxy } from '../../../test/support/messages-db-proxy';

// PostgreSQL is reached through a proxy this file can cut: the real one is shared.
let proxy: DatabaseProxy;

beforeAll(async () => {
  proxy = await startDatabaseProxy(messagesTestConfig().databaseUrl);
});

const { api } = useMessagesApp(() => ({ env: { DATABASE_URL: proxy.url } }));

afterAll(() => proxy?.stop());

test('When PostgreSQL stops answering, then /healthz is 503 naming PostgreSQL, and 200 again once it is back', async () => {
  expect((await api.get('/healthz')).status).toBe(200);

  await proxy.cut();
  const down = await api.get('/healthz');
  expect(down.status).toBe(503);
  expect(down.body).toEqual({ status: 'unavailable', postgres: 'unavailable', redis: 'ok', outbox: null });

  await proxy.restore();
  let up = await api.get('/healthz');
  for (let i = 0; i < 50 && up.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    up = await api.get('/healthz');
  }
  // The test database's outbox is shared with other test files: its size is theirs too.
  expect(up.body).toEqual({
    status: 'ok',
    postgres: 'ok',
    redis: 'ok',
    outbox: { backlog: expect.any(Number), oldestAgeMs: expect.any(Number) },
  });
});
