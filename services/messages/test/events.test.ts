import { EventEmitter, once } from 'node:events';
import { createEventChannels, parseCursor } from '#libs/events';
import type { RedisClient } from '#libs/redis';
import { useMessagesApp, useTestDatabase } from '../../../test/support/messages/messages-app';
import {
  loginUser,
  sendMessage,
  startConversation,
  type TestUser,
} from '../../../test/support/messages/messages-client';
import { connectTestRedis, type TestRedis } from '../../../test/support/infra/test-redis';

interface Envelope {
  type: string;
  cursor: string;
  ts: number;
  data: Record<string, unknown>;
}

const service = useMessagesApp();
const { api } = service;
const db = useTestDatabase();
let testRedis: TestRedis;
let reader: RedisClient;
let channels: ReturnType<typeof createEventChannels>;
const received = new Map<string, Envelope[]>();
const arrivals = new EventEmitter();

beforeAll(async () => {
  const { config } = service.app;
  channels = createEventChannels(config.events.prefix);
  // The shared Redis: only this file's users' channels are subscribed, so other test
  // files publishing at the same time do not matter.
  testRedis = await connectTestRedis(config);
  reader = testRedis.redis;
  testRedis.subscriber.on('message', (channel: string, payload: string) => {
    const userId = channels.userIdOf(channel)!;
    const list = received.get(userId) ?? [];
    list.push(JSON.parse(payload));
    received.set(userId, list);
    arrivals.emit('event');
  });
});

afterAll(() => testRedis?.close());

async function listen(...users: TestUser[]) {
  await testRedis.subscriber.subscribe(users.map((u) => channels.userChannel(u.id)));
}

/** Resolves with the user's events once there are at least `count` of them. */
async function eventsOf(user: TestUser, count: number): Promise<Envelope[]> {
  const deadline = Date.now() + 5000;
  while ((received.get(user.id)?.length ?? 0) < count) {
    if (Date.now() > deadline)
      throw new Error(`user ${user.id} got ${received.get(user.id)?.length ?? 0} of ${count} events`);
    await Promise.race([once(arrivals, 'event'), new Promise((r) => setTimeout(r, 200))]);
  }
  return received.get(user.id)!;
}

/** The sequence numbers of the cursors: a user's events are numbered 1, 2, 3… in one epoch. */
function sequenceOf(events: Envelope[]) {
  const cursors = events.map((e) => parseCursor(e.cursor)!);
  return { epochs: new Set(cursors.map((c) => c.epoch)).size, seqs: cursors.map((c) => c.seq) };
}

test('When a message is sent, then the receiver gets it with mine:false and the sender with mine:true, numbered 1, 2, 3', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  await listen(alice, bob);
  const conversationId = await startConversation(api, alice, bob);
  const sent = [];
  for (const content of ['one', 'two', 'three']) sent.push(await sendMessage(api, alice, conversationId, content));

  const forBob = await eventsOf(bob, 3);
  const forAlice = await eventsOf(alice, 3);
  expect(forBob.map((e) => e.type)).toEqual(['message', 'message', 'message']);
  expect(forBob.map((e) => e.data)).toEqual(sent.map((m) => ({ ...m, mine: false })));
  expect(forAlice.map((e) => e.data)).toEqual(sent.map((m) => ({ ...m, mine: true })));
  for (const events of [forAlice, forBob]) expect(sequenceOf(events)).toEqual({ epochs: 1, seqs: [1, 2, 3] });
  // ts is the commit time, to the millisecond: at or just after the message's own time.
  for (const [i, event] of forBob.entries()) {
    expect(event.ts - Date.parse(sent[i]!.createdAt)).toBeGreaterThanOrEqual(0);
    expect(event.ts - Date.parse(sent[i]!.createdAt)).toBeLessThan(1000);
  }

  // Every published event is in the user's log under its sequence number, for replay.
  const log = await reader.xrange(channels.userLog(bob.id), '-', '+');
  expect(log.map(([id]) => id)).toEqual(['1-0', '2-0', '3-0']);
  expect(log[0]![1]).toEqual(['type', 'message', 'data', JSON.stringify(forBob[0]!.data), 'ts', String(forBob[0]!.ts)]);
  // Delivered rows leave the outbox: it is a queue.
  const left = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM outbox_events WHERE user_id IN (${BigInt(alice.id)}, ${BigInt(bob.id)})`;
  expect(left[0]!.n).toBe(0);
});

test('When the receiver reads, then the sender gets one read event with the newest message’s time, and none when nothing moved', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  await listen(alice, bob);
  const conversationId = await startConversation(api, alice, bob);
  const first = await sendMessage(api, alice, conversationId, 'first');
  const last = await sendMessage(api, alice, conversationId, 'last');
  await eventsOf(alice, 2);

  expect((await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token })).status).toBe(200);
  const afterRead = await eventsOf(alice, 3);
  expect(afterRead[2]).toMatchObject({
    type: 'read',
    data: { conversationId, userId: bob.id, readAt: last.createdAt },
  });
  expect(first.createdAt <= last.createdAt).toBe(true);

  // Reading again moves nothing: no receipt. Bob's next message is the next event Alice gets.
  expect((await api.post(`/api/conversations/${conversationId}/read_messages`, { token: bob.token })).status).toBe(204);
  await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token });
  await sendMessage(api, bob, conversationId, 'reply');
  const events = await eventsOf(alice, 4);
  expect(events[3]).toMatchObject({ type: 'message', data: { content: 'reply', mine: false } });
  expect(sequenceOf(events)).toEqual({ epochs: 1, seqs: [1, 2, 3, 4] });

  // Alice reading Bob's reply sends Bob a receipt; Bob never gets his own receipts.
  expect((await api.post(`/api/conversations/${conversationId}/read_messages`, { token: alice.token })).status).toBe(
    204,
  );
  const forBob = await eventsOf(bob, 4);
  expect(forBob.map((e) => e.type)).toEqual(['message', 'message', 'message', 'read']);
  expect(forBob[3]!.data).toMatchObject({ userId: alice.id, conversationId });
  expect(sequenceOf(forBob).seqs).toEqual([1, 2, 3, 4]);
});

test('When a third user is not in the conversation, then their channel gets nothing', async () => {
  const [alice, bob, carol] = await Promise.all([loginUser(api), loginUser(api), loginUser(api)]);
  await listen(alice, bob, carol);
  const conversationId = await startConversation(api, alice, bob);
  await sendMessage(api, alice, conversationId, 'private');
  await eventsOf(bob, 1);
  await eventsOf(alice, 1);
  expect(received.get(carol.id)).toBeUndefined();
});
