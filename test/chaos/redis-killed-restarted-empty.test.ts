import { scrapeMetrics } from '../support/http/prometheus-scrape';
import { useChaosChat } from './support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from './support/delivery-check';

// Redis killed (SIGKILL) in the middle of a send loop and started again empty: the
// events it had are gone. A tab that lost one gets one `resync` (and refetches); one
// that provably lost nothing goes on without; either way every later message arrives.
const setup = useChaosChat({ privateRedis: {} });

test('When Redis is killed and restarted empty during a send loop, then each tab gets at most one resync and every message arrives once, in order, or by the refetch that resync triggers', async () => {
  const { product, chat } = setup;
  const { api } = product;
  const redis = product.redis!;
  const acknowledged: SentMessage[] = [];
  let crash: Promise<void> | undefined;
  const epochs = new Set<string>();

  for (let i = 0; i < 100; i += 1) {
    if (i === 40) {
      crash = (async () => {
        await redis.kill();
        await new Promise((resolve) => setTimeout(resolve, 500));
        await redis.start();
      })();
    }
    const response = await api.post(`/api/conversations/${chat.conversationId}/messages`, {
      token: i % 2 ? chat.alice.token : chat.bob.token,
      json: { content: `message ${i}` },
    });
    expect(response.status).toBe(201);
    acknowledged.push(response.body);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await crash;

  for (const tab of chat.tabs) {
    await waitForDelivery(tab, acknowledged, 'a tab');
    expect(expectDelivered(tab, acknowledged)).toBeLessThanOrEqual(1);
    for (const event of tab.events) if (event.id) epochs.add(event.id.split(':')[0]!);
  }
  // Redis lost the logs: they were started again under a new epoch, and the relay counted them.
  expect(epochs.size).toBeGreaterThan(1);
  const metrics = await scrapeMetrics(product.messages.metricsUrl);
  expect(metrics.value('messenger_outbox_new_epochs_total')).toBeGreaterThanOrEqual(1);

  // And after all that, a message is simply the next event of each tab.
  const last = await api.post(`/api/conversations/${chat.conversationId}/messages`, {
    token: chat.alice.token,
    json: { content: 'after the crash' },
  });
  acknowledged.push(last.body);
  for (const tab of chat.tabs) {
    await waitForDelivery(tab, [last.body], 'the last message');
    expect(tab.messages().at(-1)!.id).toBe(last.body.id);
    expectDelivered(tab, acknowledged);
  }
}, 60_000);
