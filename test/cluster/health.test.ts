import { createEventChannels } from '#libs/events';
import { keySlot } from '#libs/redis';
import { openChatPair, type ChatPair } from '../chaos/support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from '../chaos/support/delivery-check';
import { createApiClient } from '../support/messages/messages-client';
import { sendInChat, useClusterProduct } from './support/cluster-product';

// A master with no replica to take over killed, then restarted (empty: nothing is kept
// on disk): its slots are unserved meanwhile and cluster_state is fail. A cluster of
// its own: 3 masters, no replicas.
const setup = useClusterProduct('health', { replicasPerMaster: 0 });
let chat: ChatPair | undefined;

afterAll(() => {
  for (const tab of chat?.tabs ?? []) tab.close();
});

async function health(url: string) {
  const response = await createApiClient(url).get('/healthz');
  return { status: response.status, body: response.body };
}

/** Polls until `check` holds (the cluster notices a dead master after its node timeout). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("When a master dies with no replica, then the stream service answers 503 and the messages service reports Redis unavailable (still 200: sends go on) until it restarts; then its user's tab gets every message sent meanwhile", async () => {
  const { cluster, product } = setup;
  const streamUrl = product.stream.url;
  chat = await openChatPair(product.api, [streamUrl]);
  const acknowledged: SentMessage[] = [await sendInChat(product, chat, 0)];
  await waitForDelivery(chat.bobTab, acknowledged, "bob's tab before the kill");
  expect((await health(streamUrl)).status).toBe(200);
  expect((await health(product.messages.url)).body).toMatchObject({ status: 'ok', redis: 'ok' });

  const channels = createEventChannels(product.streamConfig.events.prefix);
  const victim = await cluster.masterOfSlot(keySlot(channels.userChannel(chat.bob.id)));
  await cluster.kill(victim);
  await eventually(async () => (await health(streamUrl)).status === 503, 'the stream service to answer 503');
  await eventually(
    async () => (await health(product.messages.url)).body.redis === 'unavailable',
    'the messages service to report Redis unavailable',
  );
  expect(await health(product.messages.url)).toMatchObject({ status: 200, body: { status: 'degraded' } });
  for (let i = 1; i <= 3; i++) acknowledged.push(await sendInChat(product, chat, i));

  await cluster.restart(victim);
  await cluster.waitUntilOk();
  await eventually(async () => (await health(streamUrl)).status === 200, 'the stream service to answer 200 again');
  await eventually(
    async () => (await health(product.messages.url)).body.redis === 'ok',
    'the messages service to report Redis ok',
  );
  // The restarted node lost the user's log and head, as a standalone Redis restarted
  // empty would: the tab is caught up, with at most one resync (when its catch-up reads
  // the node before the relay has started the new log).
  await waitForDelivery(chat.bobTab, acknowledged, "bob's tab after the restart");
  expect(expectDelivered(chat.bobTab, acknowledged)).toBeLessThanOrEqual(1);
}, 60_000);
