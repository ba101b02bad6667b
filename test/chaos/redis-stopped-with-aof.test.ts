import { useChaosChat } from './support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from './support/delivery-check';

// Redis stopped for 5 s in the middle of 150 sends, then started again from its
// append-only file: every POST answers 201 at once, and once Redis is back every
// message reaches the receiver's tab and the sender's other tab, exactly once, in order.
const setup = useChaosChat({ privateRedis: { appendOnly: true } });

test('When Redis is stopped for 5 s and restarted from its append-only file during 150 sends, then every send is 201 and every message arrives once, in order, without resync', async () => {
  const { product, chat } = setup;
  const { api } = product;
  const redis = product.redis!;
  const acknowledged: SentMessage[] = [];
  const slowest = { ms: 0 };
  let outage: Promise<void> | undefined;
  let degraded: unknown;

  for (let i = 0; i < 150; i += 1) {
    if (i === 30) {
      outage = (async () => {
        await redis.shutdown();
        await new Promise((resolve) => setTimeout(resolve, 5000));
        degraded = (await api.get('/healthz')).body;
        await redis.start();
      })();
    }
    const started = Date.now();
    const response = await api.post(`/api/conversations/${chat.conversationId}/messages`, {
      token: i % 2 ? chat.alice.token : chat.bob.token,
      json: { content: `message ${i}` },
    });
    slowest.ms = Math.max(slowest.ms, Date.now() - started);
    expect(response.status).toBe(201);
    acknowledged.push(response.body);
    // 150 sends spread over about 7.5 s, so the outage falls in the middle of them.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await outage;

  // Requests never waited on Redis.
  expect(slowest.ms).toBeLessThan(1000);
  expect(degraded).toMatchObject({ status: 'degraded', postgres: 'ok', redis: 'unavailable' });
  for (const tab of chat.tabs) {
    await waitForDelivery(tab, acknowledged, 'a tab');
    // Redis kept its data: nothing was lost, so nothing calls for a resync.
    expect(expectDelivered(tab, acknowledged)).toBe(0);
    expect(tab.messages()).toHaveLength(150);
  }
}, 60_000);
