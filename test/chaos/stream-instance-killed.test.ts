import { startStreamProcess, type StreamProcess } from '../support/stream/stream-process';
import { openChatPair, startChaosProduct, type ChaosProduct, type ChatPair } from './support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from './support/delivery-check';

// A stream instance killed (SIGKILL, no goodbye): its tab reconnects to a second
// instance with Last-Event-ID and gets exactly what it missed, then live events.
let product: ChaosProduct;
let first: StreamProcess;
let chat: ChatPair;

beforeAll(async () => {
  product = await startChaosProduct();
  first = await startStreamProcess(product.streamConfig);
  // Bob's tab is on the first instance (then on whichever answers); Alice's other tab on the second.
  chat = await openChatPair(product.api, [first.url, product.stream.url], [product.stream.url]);
}, 30_000);

afterAll(async () => {
  for (const tab of chat?.tabs ?? []) tab.close();
  await first?.kill('SIGKILL');
  await product?.stop();
});

test('When the stream instance of a tab is killed, then the tab resumes on another instance with Last-Event-ID and gets exactly what it missed, in order', async () => {
  const { api } = product;
  const send = async (i: number): Promise<SentMessage> => {
    const response = await api.post(`/api/conversations/${chat.conversationId}/messages`, {
      token: chat.alice.token,
      json: { content: `message ${i}` },
    });
    expect(response.status).toBe(201);
    return response.body;
  };
  const acknowledged: SentMessage[] = [];
  for (let i = 0; i < 5; i += 1) acknowledged.push(await send(i));
  await waitForDelivery(chat.bobTab, acknowledged, "Bob's tab");
  const seenBefore = chat.bobTab.lastEventId;

  await first.kill('SIGKILL');
  for (let i = 5; i < 15; i += 1) acknowledged.push(await send(i));

  for (const tab of chat.tabs) {
    await waitForDelivery(tab, acknowledged, 'a tab');
    expect(expectDelivered(tab, acknowledged)).toBe(0);
    expect(tab.messages().map((m) => m.id)).toEqual(acknowledged.map((m) => m.id));
  }
  // Bob's tab opened a second stream, elsewhere, from the cursor it had; Alice's never had to.
  expect(chat.bobTab.opens).toBe(2);
  expect(chat.aliceTab.opens).toBe(1);
  expect(seenBefore).toMatch(/^\d+:5$/);
}, 30_000);
