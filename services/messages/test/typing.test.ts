import { TYPING_MAX_AGE_MS } from '#libs/contract';
import { encodeEphemeral } from '#libs/events';
import { useMessagesAndStream } from '../../../test/support/product/messages-and-stream';
import {
  loginUser,
  sendMessage,
  startConversation,
  type ApiClient,
  type TestUser,
} from '../../../test/support/messages/messages-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';

// `POST /api/conversations/:id/typing`: an ephemeral `typing` event to the other
// participant's open tabs, rate-limited, never logged, never replayed.
const { api, stream } = useMessagesAndStream();
const opened = closedAfterEach<RawStream>();

async function tab(user: TestUser, lastEventId?: string): Promise<RawStream> {
  const raw = await openRawStream(stream.url, { token: user.token, lastEventId });
  opened.push(raw);
  await raw.waitForReady();
  return raw;
}

/**
 * A message round trip to `tabs`: once it reached them, they are subscribed and live. An
 * ephemeral event goes only to live streams (one still opening or catching up drops
 * it), so a test waits for this before it types.
 */
async function live(sender: TestUser, conversationId: string, tabs: RawStream[]): Promise<void> {
  const before = tabs.map((t) => t.events('message').length);
  await sendMessage(api, sender, conversationId, 'are you there?');
  await Promise.all(tabs.map((t, i) => t.waitForEvents(before[i]! + 1, 'message')));
}

async function pair(client: ApiClient = api) {
  const [alice, bob] = await Promise.all([loginUser(client), loginUser(client)]);
  const conversationId = await startConversation(client, alice, bob);
  return { alice, bob, conversationId };
}

const typing = (user: TestUser, conversationId: string) =>
  api.post(`/api/conversations/${conversationId}/typing`, { token: user.token });

test("When a participant is typing, then every tab of the other participant gets one `typing` event without an id, and none of the sender's tabs does", async () => {
  const { alice, bob, conversationId } = await pair();
  const [bobTab1, bobTab2, aliceTab] = await Promise.all([tab(bob), tab(bob), tab(alice)]);
  await live(alice, conversationId, [bobTab1, bobTab2, aliceTab]);

  const answer = await typing(alice, conversationId);
  expect(answer.status).toBe(204);
  expect(answer.body).toBe('');

  for (const bobTab of [bobTab1, bobTab2]) {
    const [notice] = await bobTab.waitForEvents(1, 'typing');
    expect(JSON.parse(notice!.data)).toEqual({ conversationId, userId: alice.id });
    expect(notice!.id).toBeUndefined();
  }
  // Alice's next event proves her channel is past the moment the notice went out: it got none.
  await sendMessage(api, alice, conversationId, 'after typing');
  await aliceTab.waitForEvents(2, 'message');
  expect(aliceTab.events().map((e) => e.event)).toEqual(['message', 'message']);
});

test('When a participant types again within 3 seconds, then the API answers 429 with Retry-After and a JSON error, and the other participant gets no second event', async () => {
  const { alice, bob, conversationId } = await pair();
  const bobTab = await tab(bob);
  await live(alice, conversationId, [bobTab]);
  expect((await typing(alice, conversationId)).status).toBe(204);

  const again = await typing(alice, conversationId);
  expect(again.status).toBe(429);
  expect(again.body).toEqual({ error: { code: 'too_many_typing_notices', message: expect.any(String) } });
  const retryAfter = Number(again.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(3);
  // The limit is per conversation and sender: Bob typing back is not held.
  expect((await typing(bob, conversationId)).status).toBe(204);

  await sendMessage(api, bob, conversationId, 'marker');
  await bobTab.waitForEvents(2, 'message');
  expect(bobTab.events('typing')).toHaveLength(1);
});

test('When a stream resumes after a typing event, then the typing is not replayed, and the next message comes exactly once with no gap: the cursor did not move', async () => {
  const { alice, bob, conversationId } = await pair();
  const first = await tab(bob);
  await sendMessage(api, alice, conversationId, 'one');
  const [one] = await first.waitForEvents(1, 'message');
  expect((await typing(alice, conversationId)).status).toBe(204);
  await first.waitForEvents(1, 'typing');
  first.close();

  const resumed = await tab(bob, one!.id);
  expect(resumed.ready()!.id).toBe(one!.id);
  await sendMessage(api, alice, conversationId, 'two');
  await resumed.waitForEvents(1, 'message');
  await sendMessage(api, alice, conversationId, 'three');
  const events = await resumed.waitForEvents(2, 'message');
  expect(resumed.events().map((e) => [e.event, JSON.parse(e.data).content])).toEqual([
    ['message', 'two'],
    ['message', 'three'],
  ]);
  expect(resumed.events('resync')).toEqual([]);
  // Consecutive cursors: nothing skipped, nothing doubled.
  const seqs = [one!, ...events].map((e) => Number(e.id!.split(':')[1]));
  expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
});

test('When a typing event is older than the maximum age by the time it reaches the stream, then it is dropped, and a fresh one is delivered', async () => {
  const { alice, bob, conversationId } = await pair();
  const bobTab = await tab(bob);
  await live(alice, conversationId, [bobTab]);
  const channel = stream.channels.userChannel(bob.id);
  const notice = { conversationId, userId: alice.id };
  await stream.publisher.publishRaw(channel, encodeEphemeral('typing', notice, Date.now() - TYPING_MAX_AGE_MS - 1000));
  await stream.publisher.publishRaw(channel, encodeEphemeral('typing', { ...notice, userId: 'fresh' }, Date.now()));
  const [delivered] = await bobTab.waitForEvents(1, 'typing');
  expect(JSON.parse(delivered!.data).userId).toBe('fresh');
  expect(bobTab.events('typing')).toHaveLength(1);
});

test('When someone who is not a participant posts typing, then the answer is the one the other conversation routes give them (404), and nobody gets an event', async () => {
  const { alice, bob, conversationId } = await pair();
  const [carol, bobTab] = await Promise.all([loginUser(api), tab(bob)]);
  await live(alice, conversationId, [bobTab]);
  const refused = await typing(carol, conversationId);
  const read = await api.get(`/api/conversations/${conversationId}`, { token: carol.token });
  expect(refused.status).toBe(404);
  expect(refused.body).toEqual(read.body);

  await sendMessage(api, alice, conversationId, 'marker');
  await bobTab.waitForEvents(2, 'message');
  expect(bobTab.events('typing')).toEqual([]);
});

test('When the id is not an id, the token is missing, or the method is wrong, then the answer is the usual 4xx JSON error', async () => {
  const { alice } = await pair();
  for (const id of ['abc', '0', '-1', '99999999999999999999999', '1.5']) {
    const answer = await typing(alice, id);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  }
  const anonymous = await api.post('/api/conversations/1/typing');
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.error.code).toEqual(expect.any(String));
  const wrongMethod = await api.get('/api/conversations/1/typing', { token: alice.token });
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toContain('POST');
});
