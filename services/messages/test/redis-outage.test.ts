import { Writable } from 'node:stream';
import pino from 'pino';
import { createEventChannels, parseCursor } from '#libs/events';
import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, sendMessage, startConversation } from '../../../test/support/messages/messages-client';
import { createPrivateDatabase, type PrivateDatabase } from '../../../test/support/infra/private-database';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/infra/private-redis';

// This file kills Redis, so it runs the service against a redis-server of its own, and
// on a database of its own, whose outbox only this service relays.
let redis: PrivateRedis;
let database: PrivateDatabase;
const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);

beforeAll(async () => {
  [redis, database] = await Promise.all([startPrivateRedis(), createPrivateDatabase('redis_outage')]);
});

// Hooks run in the order declared: Redis and the database start before the app and go after it.
const service = useMessagesApp(() => ({ env: { REDIS_URL: redis.url, DATABASE_URL: database.url }, deps: { logger } }));
const { api } = service;

afterAll(async () => {
  await redis?.stop();
  await database?.drop();
});

async function health() {
  return api.get('/healthz');
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const logged = (msg: string) => logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === msg);

test('When PostgreSQL and Redis answer, then /healthz is 200 naming both ok and an empty outbox', async () => {
  const response = await health();
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok', outbox: { backlog: 0, oldestAgeMs: 0 } });
});

test('When Redis is down, then sending answers 201 at once, /healthz is 200 "degraded" with the backlog, and once Redis is back the events reach it in order, with one log line each way', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  await redis.kill();

  const sent = [];
  for (let i = 0; i < 5; i += 1) {
    const started = Date.now();
    const response = await api.post(`/api/conversations/${conversationId}/messages`, {
      token: alice.token,
      json: { content: `during the outage ${i}` },
    });
    expect(response.status).toBe(201);
    // Requests never wait on Redis.
    expect(Date.now() - started).toBeLessThan(500);
    sent.push(response.body);
  }
  const listed = await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token });
  expect(listed.body.map((m: { id: string }) => m.id)).toEqual(sent.map((m) => m.id).reverse());

  // 5 messages to 2 users, and Alice's read receipt from Bob's listing.
  const degraded = await health();
  expect(degraded.status).toBe(200);
  expect(degraded.body).toEqual({
    status: 'degraded',
    postgres: 'ok',
    redis: 'unavailable',
    outbox: { backlog: 11, oldestAgeMs: expect.any(Number) },
  });

  await redis.restart();
  await eventually(health, (r) => r.body.status === 'ok' && r.body.outbox.backlog === 0, 'the backlog to drain');
  const channels = createEventChannels(service.app.config.events.prefix);
  const log = await redis.client().xrange(channels.userLog(bob.id), '-', '+');
  expect(log.map(([id]) => id)).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0']);
  expect(log.map(([, fields]) => JSON.parse(fields[3]!).id)).toEqual(sent.map((m) => m.id));

  // One line when the backlog began (with the error), one when it drained; none per row or retry.
  await eventually(
    () => Promise.resolve(logged('outbox backlog drained')),
    (lines) => lines.length > 0,
    'the drained line',
  );
  expect(logged('outbox relay failing; events wait in PostgreSQL until it recovers')).toEqual([
    expect.objectContaining({ level: 40, err: expect.any(String) }),
  ]);
  expect(logged('outbox backlog drained')).toEqual([expect.objectContaining({ rows: 11, ms: expect.any(Number) })]);

  // Back to normal: the next message is published at once, continuing Bob's sequence.
  const subscriber = redis.client();
  await subscriber.subscribe(channels.userChannel(bob.id));
  const got = new Promise<string>((resolve) =>
    subscriber.once('message', (_channel: string, payload: string) => resolve(payload)),
  );
  const after = await sendMessage(api, alice, conversationId, 'after the outage');
  const event = JSON.parse(await got);
  expect(event).toMatchObject({ type: 'message', data: { id: after.id, mine: false } });
  expect(parseCursor(event.cursor)!.seq).toBe(6);
});

test('When requests carried tokens, then no token appears in any log line', async () => {
  const user = await loginUser(api);
  await api.get('/api/auth_user', { token: user.token });
  await api.get(`/api/auth_user?token=${user.token}`);
  await api.post('/api/stream_token', { token: user.token });
  expect(logLines.length).toBeGreaterThan(0);
  const signature = user.token.split('.')[2]!;
  expect(logLines.filter((line) => line.includes(signature))).toEqual([]);
});

test('When requests fail, then each request log line carries the status that was sent', async () => {
  const marker = `status_probe_${Date.now()}`;
  await api.get(`/api/conversations?${marker}=1`);
  await api.post(`/api/login?${marker}=2`, { json: { username: '' } });
  const lines = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request' && String(l.url).includes(marker));
  expect(lines.map((l) => [l.method, l.status])).toEqual([
    ['GET', 401],
    ['POST', 422],
  ]);
});
