import { collectPages } from '../support/messages/messages-client';
import { startPrivatePostgres, type PrivatePostgres } from '../support/infra/private-postgres';
import { useChaosChat } from './support/chaos-product';
import { expectDelivered, waitForDelivery, type SentMessage } from './support/delivery-check';

// PostgreSQL restarted during sends, on a cluster of this file's own (the shared one
// must never be restarted): every answer is 201 or a fast 503, never 500 and never
// past 5 s; the service recovers by itself; no acknowledged message is missing from the
// API; and the outbox relay, whose connections the restart cut too, still delivers every
// acknowledged message to both tabs exactly once, in order.
let postgres: PrivatePostgres;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
}, 120_000);

// Hooks run in the order declared: the cluster starts before the product and goes after it.
const setup = useChaosChat(() => ({ messagesEnv: { DATABASE_URL: postgres.url } }));

afterAll(() => postgres?.destroy());

test('When PostgreSQL restarts during sends, then each answer is 201 or a fast 503, sending recovers by itself, and every acknowledged message is listed and reaches both tabs once, in order', async () => {
  const { product, chat } = setup;
  const { api } = product;
  const acknowledged: SentMessage[] = [];
  const wrong: { status: number; code?: string; ms: number }[] = [];
  let unavailable = 0;
  let restartedAt = -1;
  const deadline = Date.now() + 60_000;
  // Three senders; they go on until five messages were created after the restart.
  const createdAfter = () => (restartedAt < 0 ? 0 : acknowledged.length - restartedAt);
  const sending = Promise.all(
    [0, 1, 2].map(async (worker) => {
      for (let i = 0; createdAfter() < 5 && Date.now() < deadline; i += 1) {
        const started = Date.now();
        const response = await api.post(`/api/conversations/${chat.conversationId}/messages`, {
          token: worker === 1 ? chat.bob.token : chat.alice.token,
          json: { content: `w${worker} #${i}` },
        });
        const ms = Date.now() - started;
        if (response.status === 201 && ms < 5000) acknowledged.push(response.body);
        else if (response.status === 503 && response.body?.error?.code === 'database_unavailable' && ms < 5000) {
          unavailable += 1;
        } else wrong.push({ status: response.status, code: response.body?.error?.code, ms });
      }
    }),
  );
  // The restart comes once sending is under way.
  while (acknowledged.length < 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await postgres.restart('fast');
  restartedAt = acknowledged.length;
  await sending;

  expect(wrong).toEqual([]);
  // The restart was seen by the API (else the test proved nothing), and it recovered by itself.
  expect(unavailable).toBeGreaterThan(0);
  expect(createdAfter()).toBeGreaterThanOrEqual(5);

  const listed = await collectPages(api, `/api/conversations/${chat.conversationId}/messages`, chat.bob.token, 100);
  expect(acknowledged.filter((m) => !listed.includes(m.id))).toEqual([]);

  const inOrder = [...acknowledged].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id),
  );
  for (const tab of chat.tabs) {
    await waitForDelivery(tab, inOrder, 'a tab');
    // Redis lost nothing: no resync.
    expect(expectDelivered(tab, inOrder)).toBe(0);
  }
}, 90_000);
