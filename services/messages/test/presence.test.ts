import { PRESENCE_WATCH_TTL_MS } from '#libs/contract';
import { createRedisClient, type RedisClient } from '#libs/redis';
import { createLogger } from '#libs/logger';
import { eventually } from '../../../test/support/product/eventually';
import { useMessagesAndStream } from '../../../test/support/product/messages-and-stream';
import {
  loginUser,
  sendMessage,
  startConversation,
  type TestUser,
} from '../../../test/support/messages/messages-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import { untilOpenStreams } from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';

// Presence: a user is online while a stream of theirs is open anywhere; partners read
// it in the conversation payloads, and only watchers get live `presence` events.
const { api, stream } = useMessagesAndStream();
const opened = closedAfterEach<RawStream>();
let redis: RedisClient;

beforeAll(() => {
  redis = createRedisClient(stream.config, createLogger({ name: 'test', level: 'silent' }));
});
afterAll(() => redis.quit());
// Each test starts with no stream open, so a count of open streams means this test's.
beforeEach(() => untilOpenStreams(stream, 0));

async function tab(user: TestUser): Promise<RawStream> {
  const raw = await openRawStream(stream.url, { token: user.token });
  opened.push(raw);
  await raw.waitForReady();
  return raw;
}

async function partnerSeenBy(viewer: TestUser, conversationId: string) {
  const answer = await api.get(`/api/conversations/${conversationId}`, { token: viewer.token });
  expect(answer.status).toBe(200);
  return answer.body.otherParticipant as { id: string; online?: boolean; lastSeenAt?: string | null };
}

test('When a user opens a first tab, then partners read them online; they stay online while a second tab remains, and read offline, last seen when the last one closed', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  expect(await partnerSeenBy(alice, conversationId)).toMatchObject({ id: bob.id, online: false, lastSeenAt: null });

  const first = await tab(bob);
  await eventually(
    () => partnerSeenBy(alice, conversationId),
    (p) => p.online === true,
    'bob online',
  );
  const second = await tab(bob);
  // Two tabs on one instance: one entry, the instance's.
  const members = await redis.zrange(stream.channels.userPresence(bob.id), '0', '-1');
  expect(members.filter((member) => member !== 'seen')).toHaveLength(1);
  first.close();
  await untilOpenStreams(stream, 1);
  expect(await partnerSeenBy(alice, conversationId)).toMatchObject({ online: true, lastSeenAt: null });
  // The list page says the same.
  const list = await api.get('/api/conversations', { token: alice.token });
  expect(list.body[0].otherParticipant).toMatchObject({ id: bob.id, online: true, lastSeenAt: null });

  const closedAt = Date.now();
  second.close();
  const offline = await eventually(
    () => partnerSeenBy(alice, conversationId),
    (p) => p.online === false,
    'bob offline',
  );
  const lastSeen = Date.parse(offline.lastSeenAt!);
  expect(lastSeen).toBeGreaterThanOrEqual(closedAt - 5);
  expect(lastSeen).toBeLessThanOrEqual(Date.now());
});

test('When a watched user comes online and goes offline, then the watcher gets a `presence` event each time, without an id, and a partner who does not watch gets none', async () => {
  const [alice, bob, carol] = await Promise.all([loginUser(api), loginUser(api), loginUser(api)]);
  const [aliceAndBob, carolAndBob] = await Promise.all([
    startConversation(api, alice, bob),
    startConversation(api, carol, bob),
  ]);
  const [aliceTab, carolTab] = await Promise.all([tab(alice), tab(carol)]);
  // A message round trip proves each tab live: an ephemeral event goes only to live streams.
  await sendMessage(api, bob, aliceAndBob, 'are you there?');
  await sendMessage(api, bob, carolAndBob, 'are you there?');
  await Promise.all([aliceTab.waitForEvents(1, 'message'), carolTab.waitForEvents(1, 'message')]);
  const watched = await api.post(`/api/conversations/${aliceAndBob}/watch`, { token: alice.token });
  expect(watched.status).toBe(200);
  expect(watched.body).toEqual({ userId: bob.id, online: false, lastSeenAt: null });

  const bobTab = await tab(bob);
  const [online] = await aliceTab.waitForEvents(1, 'presence');
  expect(JSON.parse(online!.data)).toEqual({ userId: bob.id, online: true, lastSeenAt: null });
  expect(online!.id).toBeUndefined();
  bobTab.close();
  const [, offline] = await aliceTab.waitForEvents(2, 'presence');
  expect(JSON.parse(offline!.data)).toEqual({ userId: bob.id, online: false, lastSeenAt: expect.any(String) });

  // Carol's next event comes after both transitions were published: she got neither.
  await sendMessage(api, bob, carolAndBob, 'marker');
  await carolTab.waitForEvents(2, 'message');
  expect(carolTab.events().map((e) => e.event)).toEqual(['message', 'message']);
});

test('When a user watches, then the watch lasts PRESENCE_WATCH_TTL_MS and a renewal extends it; the answer is the partner state', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  const before = Date.now();
  expect((await api.post(`/api/conversations/${conversationId}/watch`, { token: alice.token })).status).toBe(200);
  const expiry = Number(await redis.zscore(stream.channels.userWatchers(bob.id), alice.id));
  expect(expiry).toBeGreaterThanOrEqual(before + PRESENCE_WATCH_TTL_MS);
  expect(expiry).toBeLessThanOrEqual(Date.now() + PRESENCE_WATCH_TTL_MS);

  await tab(bob);
  const renewed = await eventually(
    () => api.post(`/api/conversations/${conversationId}/watch`, { token: alice.token }),
    (answer) => answer.body.online === true,
    'the watch to answer online',
  );
  expect(renewed.body).toEqual({ userId: bob.id, online: true, lastSeenAt: null });
  expect(Number(await redis.zscore(stream.channels.userWatchers(bob.id), alice.id))).toBeGreaterThanOrEqual(expiry);
});

test('When someone who is not a participant watches, or the id is not an id, then the answer is the usual 404 JSON error and nothing is registered', async () => {
  const [alice, bob, carol] = await Promise.all([loginUser(api), loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  const refused = await api.post(`/api/conversations/${conversationId}/watch`, { token: carol.token });
  const read = await api.get(`/api/conversations/${conversationId}`, { token: carol.token });
  expect(refused.status).toBe(404);
  expect(refused.body).toEqual(read.body);
  // One key per call: on a cluster the two are in different slots.
  expect(await redis.exists(stream.channels.userWatchers(bob.id))).toBe(0);
  expect(await redis.exists(stream.channels.userWatchers(alice.id))).toBe(0);
  for (const id of ['abc', '0', '99999999999999999999999']) {
    const answer = await api.post(`/api/conversations/${id}/watch`, { token: alice.token });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  }
  expect((await api.post(`/api/conversations/${conversationId}/watch`)).status).toBe(401);
});
