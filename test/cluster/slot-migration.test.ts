import { createEventChannels } from '#libs/events';
import { keySlot } from '#libs/redis';
import { openChatPair, startChaosProduct, type ChaosProduct, type ChatPair } from '../chaos/support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from '../chaos/support/delivery-check';
import { startLocalCluster, type LocalCluster } from '../support/local-cluster';
import { createPrivateDatabase, type PrivateDatabase } from '../support/private-database';

// A user's slot moved to another master while their tabs are open (a reshard): the old
// master drops the shard channel's subscribers (an unsolicited SUNSUBSCRIBE), the
// stream service subscribes it again on the new master and catches the tabs up from
// the log, which moved with the slot. A cluster of its own: 3 masters, no replicas.
let cluster: LocalCluster;
let database: PrivateDatabase;
let product: ChaosProduct;
let chat: ChatPair;

beforeAll(async () => {
  [cluster, database] = await Promise.all([
    startLocalCluster({ replicasPerMaster: 0 }),
    createPrivateDatabase('migration'),
  ]);
  const env = { REDIS_CLUSTER_NODES: cluster.nodesEnv };
  product = await startChaosProduct({ messagesEnv: { ...env, DATABASE_URL: database.url }, streamEnv: env });
  chat = await openChatPair(product.api, [product.stream.url]);
}, 60_000);

afterAll(async () => {
  for (const tab of chat?.tabs ?? []) tab.close();
  await product?.stop();
  await Promise.allSettled([cluster?.stop(), database?.drop()]);
});

async function send(i: number): Promise<SentMessage> {
  const response = await product.api.post(`/api/conversations/${chat.conversationId}/messages`, {
    token: i % 2 ? chat.alice.token : chat.bob.token,
    json: { content: `message ${i}` },
  });
  expect(response.status).toBe(201);
  return response.body;
}

test("When a user's slot migrates to another master between sends, then their tabs get every message once and in order, without resync", async () => {
  const slot = keySlot(createEventChannels(product.streamConfig.events.prefix).userChannel(chat.bob.id));
  const acknowledged: SentMessage[] = [];
  for (let i = 0; i < 5; i++) acknowledged.push(await send(i));
  await waitForDelivery(chat.bobTab, acknowledged, "bob's tab before the migration");

  const from = await cluster.masterOfSlot(slot);
  const to = cluster.ports.find((port) => port !== from)!;
  await cluster.migrateSlot(slot, to);
  expect(await cluster.masterOfSlot(slot)).toBe(to);
  for (let i = 5; i < 15; i++) acknowledged.push(await send(i));

  for (const tab of chat.tabs) {
    await waitForDelivery(tab, acknowledged, 'a tab after the migration');
    expect(expectDelivered(tab, acknowledged)).toBe(0);
  }
});
