import { createLogger } from '#libs/logger';
import { createRedisClient, type RedisClient } from '#libs/redis';
import { useMessagesAndStream } from '../../../test/support/product/messages-and-stream';
import { loginUser, sendMessage, startConversation } from '../../../test/support/messages/messages-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import { untilOpenStreams } from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';

// PRESENCE=off: online and last seen appear nowhere, watching is refused, and the
// stream service writes no presence at all.
const { api, stream } = useMessagesAndStream({ PRESENCE: 'off' });
const opened = closedAfterEach<RawStream>();
let redis: RedisClient;

beforeAll(() => {
  redis = createRedisClient(stream.config, createLogger({ name: 'test', level: 'silent' }));
});
afterAll(() => redis.quit());

test('When presence is off, then no conversation payload has online or lastSeenAt, watch answers 404 presence_off, and a stream opened and closed writes no presence key', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const started = await api.post('/api/conversations', { token: alice.token, json: { username: bob.username } });
  const conversationId = started.body.id as string;
  const bobTab = await openRawStream(stream.url, { token: bob.token });
  opened.push(bobTab);
  await bobTab.waitForReady();
  // Delivered: the stream is live, past anything its opening would have written.
  await sendMessage(api, alice, conversationId, 'hello');
  await bobTab.waitForEvents(1, 'message');

  const single = await api.get(`/api/conversations/${conversationId}`, { token: alice.token });
  const list = await api.get('/api/conversations', { token: alice.token });
  const again = await api.post('/api/conversations', { token: alice.token, json: { username: bob.username } });
  for (const participant of [started.body, single.body, list.body[0], again.body].map((c) => c.otherParticipant)) {
    expect(participant).toEqual({ id: bob.id, username: bob.username, avatarUrl: null });
  }

  const watch = await api.post(`/api/conversations/${conversationId}/watch`, { token: alice.token });
  expect(watch.status).toBe(404);
  expect(watch.body).toEqual({ error: { code: 'presence_off', message: expect.any(String) } });

  bobTab.close();
  await untilOpenStreams(stream, 0);
  // A last write would follow the close within a turn of the event loop; a message round trip is well past it.
  await startConversation(api, bob, alice);
  const keys = [bob, alice].flatMap((u) => [stream.channels.userPresence(u.id), stream.channels.userWatchers(u.id)]);
  // One key per call: on a cluster they are in different slots.
  for (const key of keys) expect(await redis.exists(key)).toBe(0);
});
