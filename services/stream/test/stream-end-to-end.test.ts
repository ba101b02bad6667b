import { startMessagesApp, type MessagesApp } from '../../../test/support/messages/messages-app';
import {
  createApiClient,
  loginUser,
  sendMessage,
  startConversation,
  type ApiClient,
} from '../../../test/support/messages/messages-client';
import { startStreamFixture, type StreamFixture } from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import { TEST_JWT_SECRET } from '../../../test/support/product/test-config';

// End to end: the messages service publishes, the stream service delivers, over the real
// PostgreSQL and Redis, with the tokens the messages service issues.
let messages: MessagesApp;
let stream: StreamFixture;
let api: ApiClient;
const opened = closedAfterEach<RawStream>();

beforeAll(async () => {
  [messages, stream] = await Promise.all([startMessagesApp({ JWT_SECRET: TEST_JWT_SECRET }), startStreamFixture()]);
  api = createApiClient(messages.url);
});

afterAll(() => Promise.all([messages?.stop(), stream?.stop()]));

test("When a message is POSTed, then the receiver's stream and the sender's other tab get it, and reading it sends the sender a read receipt", async () => {
  const [alice, bob] = [await loginUser(api), await loginUser(api)];
  const conversationId = await startConversation(api, alice, bob);

  // Bob's page: a short-lived stream token in the URL, as a browser's EventSource sends it.
  const streamToken = await api.post('/api/stream_token', { token: bob.token });
  expect(streamToken.status).toBe(200);
  const bobTab = await openRawStream(stream.url, { token: streamToken.body.token, tokenInHeader: false });
  const aliceOtherTab = await openRawStream(stream.url, { token: alice.token });
  opened.push(bobTab, aliceOtherTab);
  expect([bobTab.status, aliceOtherTab.status]).toEqual([200, 200]);

  const sent = await sendMessage(api, alice, conversationId, 'hello   bob');
  const [toBob] = await bobTab.waitForEvents(1);
  expect(JSON.parse(toBob!.data)).toEqual({ ...sent, mine: false });
  const [toAlice] = await aliceOtherTab.waitForEvents(1);
  expect(JSON.parse(toAlice!.data)).toEqual({ ...sent, mine: true });

  const read = await api.post(`/api/conversations/${conversationId}/read_messages`, { token: bob.token });
  expect(read.status).toBe(204);
  const [receipt] = await aliceOtherTab.waitForEvents(1, 'read');
  expect(JSON.parse(receipt!.data)).toEqual({ conversationId, userId: bob.id, readAt: expect.any(String) });
  expect(bobTab.events().map((e) => e.event)).toEqual(['message']);
});
