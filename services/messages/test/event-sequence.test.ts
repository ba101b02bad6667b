import { createEventChannels, parseCursor } from '#libs/events';
import { useMessagesApp, useTestDatabase } from '../../../test/support/messages/messages-app';
import { loginUser, startConversation, type TestUser } from '../../../test/support/messages/messages-client';
import { connectTestRedis, type TestRedis } from '../../../test/support/infra/test-redis';

// Every user's events are numbered 1, 2, 3… with no hole and in commit order, however
// many writers touch that user at once: sends and read receipts in overlapping
// conversations, where each statement takes several users' counters.
const service = useMessagesApp();
const { api } = service;
const db = useTestDatabase();
let testRedis: TestRedis;
const received = new Map<string, { seq: number; type: string; data: any }[]>();

beforeAll(async () => {
  testRedis = await connectTestRedis(service.app.config);
  const channels = createEventChannels(service.app.config.events.prefix);
  testRedis.subscriber.on('message', (channel: string, payload: string) => {
    const event = JSON.parse(payload);
    const userId = channels.userIdOf(channel)!;
    received.set(userId, [
      ...(received.get(userId) ?? []),
      { seq: parseCursor(event.cursor)!.seq, type: event.type, data: event.data },
    ]);
  });
});

afterAll(() => testRedis?.close());

test('When 240 sends and reads run 16 at a time over overlapping conversations, then all succeed and each user’s events are numbered without holes, in commit order', async () => {
  const users = await Promise.all(Array.from({ length: 4 }, () => loginUser(api)));
  const channels = createEventChannels(service.app.config.events.prefix);
  await testRedis.subscriber.subscribe(users.map((u) => channels.userChannel(u.id)));
  const [a, b, c, d] = users as [TestUser, TestUser, TestUser, TestUser];
  // A triangle and a spoke: every user shares a conversation with two or three others.
  const pairs: [TestUser, TestUser][] = [
    [a, b],
    [b, c],
    [c, a],
    [a, d],
    [d, b],
  ];
  const conversations = await Promise.all(
    pairs.map(async ([x, y]) => ({ id: await startConversation(api, x, y), x, y })),
  );

  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < 240) {
        const i = next++;
        const { id, x, y } = conversations[i % conversations.length]!;
        const actor = i % 3 === 0 ? y : x;
        const response =
          i % 4 === 3
            ? await api.post(`/api/conversations/${id}/read_messages`, { token: actor.token })
            : await api.post(`/api/conversations/${id}/messages`, { token: actor.token, json: { content: `m${i}` } });
        statuses.push(response.status);
      }
    }),
  );
  expect(statuses.filter((s) => s !== 201 && s !== 204)).toEqual([]);

  for (const user of users) {
    const [counter] = await db.$queryRaw<{ last_seq: bigint }[]>`
      SELECT last_seq FROM event_counters WHERE user_id = ${BigInt(user.id)}`;
    const total = Number(counter!.last_seq);
    const deadline = Date.now() + 10_000;
    while ((received.get(user.id)?.length ?? 0) < total && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const events = received.get(user.id) ?? [];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Commit order: within a conversation, a user's message events follow the messages' own order.
    for (const { id } of conversations) {
      const times = events.filter((e) => e.type === 'message' && e.data.conversationId === id).map((e) => e.data);
      const sorted = [...times].sort((p, q) => p.createdAt.localeCompare(q.createdAt) || Number(p.id) - Number(q.id));
      expect(times).toEqual(sorted);
    }
  }
});
