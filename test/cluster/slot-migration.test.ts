import { createEventChannels } from '#libs/events';
import { keySlot } from '#libs/redis';
import { openChatPair, type ChatPair } from '../chaos/support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from '../chaos/support/delivery-check';
import { sendInChat, useClusterProduct } from './support/cluster-product';

// A user's slot moved to another master while their tabs are open (a reshard): the old
// master drops the shard channel's subscribers (an unsolicited SUNSUBSCRIBE), the
// stream service subscribes it again on the new master and catches the tabs up from
// the log, which moved with the slot. A cluster of its own: 3 masters, no replicas.
const setup = useClusterProduct('migration', { replicasPerMaster: 0 });
let chat: ChatPair;

beforeAll(async () => {
  chat = await openChatPair(setup.product.api, [setup.product.stream.url]);
});

afterAll(() => {
  for (const tab of chat?.tabs ?? []) tab.close();
});

const send = (i: number) => sendInChat(setup.product, chat, i);

test("When a user's slot migrates to another master between sends, then their tabs get every message once and in order, without resync", async () => {
  const { cluster, product } = setup;
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
