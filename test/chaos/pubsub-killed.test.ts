import { useChaosChat } from './support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from './support/delivery-check';

// The stream service's subscriber connection killed (CLIENT KILL TYPE pubsub), and 20
// messages sent at once right after: what was published while it was away is caught up
// from the log, nothing is lost or doubled, and no resync is needed.
const setup = useChaosChat({ privateRedis: {} });

test('When the subscriber connection is killed and 20 messages are sent at once right after, then every tab gets all 20 once, in commit order, without resync', async () => {
  const { product, chat } = setup;
  const { api } = product;
  const warmUp = await api.post(`/api/conversations/${chat.conversationId}/messages`, {
    token: chat.alice.token,
    json: { content: 'before' },
  });
  for (const tab of chat.tabs) await waitForDelivery(tab, [warmUp.body], 'the first message');

  const killed = await product.redis!.client().call('CLIENT', 'KILL', 'TYPE', 'pubsub');
  expect(killed).toBe(1);
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.post(`/api/conversations/${chat.conversationId}/messages`, {
        token: i % 2 ? chat.alice.token : chat.bob.token,
        json: { content: `at once ${i}` },
      }),
    ),
  );
  expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
  // Commit order: the conversation's messages in (createdAt, id) order.
  const acknowledged: SentMessage[] = [warmUp.body, ...responses.map((r) => r.body)].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id),
  );

  for (const tab of chat.tabs) {
    await waitForDelivery(tab, acknowledged, 'a tab');
    expect(expectDelivered(tab, acknowledged)).toBe(0);
    expect(tab.messages().map((m) => m.id)).toEqual(acknowledged.map((m) => m.id));
  }
}, 30_000);
