import { createEventChannels } from '#libs/events';
import { keySlot } from '#libs/redis';
import { openChatPair, type ChatPair } from '../chaos/support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from '../chaos/support/delivery-check';
import { sendInChat, useClusterProduct } from './support/cluster-product';

// A master of a cluster of its own (3 masters, 3 replicas) SIGKILLed while chats on
// every master keep sending: its replica is promoted, the stream service subscribes the
// lost shard's channels on the new master and catches their tabs up from the log.
// Every acknowledged message reaches every tab exactly once and in order, or after an
// explicit resync (an append the dead master acknowledged but never replicated).
const PAIRS_PER_MASTER = 2;
const setup = useClusterProduct('failover');
const chats: ChatPair[] = [];
/** The master that took the killed one's slots. */
let promoted: number;

afterAll(() => {
  for (const chat of chats) for (const tab of chat.tabs) tab.close();
});

/** The master that serves a user's channel (and log, and head: one slot). */
function masterOf(userId: string): Promise<number> {
  const channels = createEventChannels(setup.product.streamConfig.events.prefix);
  return setup.cluster.masterOfSlot(keySlot(channels.userChannel(userId)));
}

/** Chats (both users' tabs open) until every master serves the receivers of `PAIRS_PER_MASTER` of them. */
async function chatsOnEveryMaster(): Promise<Map<number, ChatPair[]>> {
  const byMaster = new Map<number, ChatPair[]>();
  const full = () => byMaster.size === 3 && [...byMaster.values()].every((list) => list.length >= PAIRS_PER_MASTER);
  for (let tries = 0; !full(); tries++) {
    if (tries > 40) throw new Error('could not spread chats over the three masters');
    const chat = await openChatPair(setup.product.api, [setup.product.stream.url]);
    chats.push(chat);
    const master = await masterOf(chat.bob.id);
    byMaster.set(master, [...(byMaster.get(master) ?? []), chat]);
  }
  return byMaster;
}

const send = (chat: ChatPair, i: number) => sendInChat(setup.product, chat, i);

test('When a master is SIGKILLed mid-send-loop, then its replica takes over and every tab, on every master, gets every acknowledged message once and in order, or an explicit resync', async () => {
  const byMaster = await chatsOnEveryMaster();
  const sent = new Map<ChatPair, SentMessage[]>(chats.map((chat) => [chat, []]));
  const sendRound = (i: number) => Promise.all(chats.map(async (chat) => sent.get(chat)!.push(await send(chat, i))));

  let round = 0;
  for (; round < 5; round++) await sendRound(round);
  const victim = [...byMaster.keys()][0]!;
  await setup.cluster.kill(victim);
  // Sends go on through the failover (PostgreSQL takes them; the relay waits for Redis),
  // and for a few rounds after the cluster is whole again.
  let failedOver = false;
  const recovered = setup.cluster.waitUntilOk(30_000).then(() => (failedOver = true));
  while (!failedOver) await sendRound(round++);
  await recovered;
  promoted = await masterOf(byMaster.get(victim)![0]!.bob.id);
  expect(promoted).not.toBe(victim);
  for (let after = 0; after < 5; after++) await sendRound(round++);

  for (const chat of chats) {
    const acknowledged = sent.get(chat)!;
    for (const [tab, user] of [
      [chat.bobTab, chat.bob],
      [chat.aliceTab, chat.alice],
    ] as const) {
      await waitForDelivery(tab, acknowledged, `the tab of user ${user.id}`, 30_000);
      const resyncs = expectDelivered(tab, acknowledged);
      // Only a log on the killed master can lack an acknowledged append; the others are caught up exactly.
      if ((await masterOf(user.id)) !== promoted) expect(resyncs).toBe(0);
      else expect(resyncs).toBeLessThanOrEqual(1);
    }
  }
}, 120_000);

test("When a tab opens after the failover for a user on the promoted master, then it subscribes there and gets the user's new messages", async () => {
  let chat: ChatPair;
  for (let tries = 0; ; tries++) {
    if (tries > 20) throw new Error('no new user landed on the promoted master');
    chat = await openChatPair(setup.product.api, [setup.product.stream.url]);
    chats.push(chat);
    if ((await masterOf(chat.bob.id)) === promoted) break;
  }
  const message = await send(chat, 0);
  for (const tab of chat.tabs) {
    await waitForDelivery(tab, [message], 'a tab opened after the failover');
    expect(expectDelivered(tab, [message])).toBe(0);
  }
});
