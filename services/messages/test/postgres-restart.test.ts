import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, startConversation, type TestUser } from '../../../test/support/messages/messages-client';
import { startPrivatePostgres, type PrivatePostgres } from '../../../test/support/infra/private-postgres';

// A real PostgreSQL restart and a real crash, under sends: on a cluster of this file's
// own (the shared one must never be restarted).
let postgres: PrivatePostgres;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
}, 120_000);

const { api } = useMessagesApp(() => ({ env: { DATABASE_URL: postgres.url } }));

afterAll(() => postgres?.destroy());

interface Outcome {
  status: number;
  code?: string;
  retryAfter: string | null;
  ms: number;
}

/**
 * Sends from three clients in a loop while `disrupt()` runs, then until five more sends
 * were created after it; returns every answer. Sequential per client, so each answer's
 * time is the time of one request.
 */
async function sendsDuring(user: TestUser, conversationId: string, disrupt: () => Promise<void>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  // Index of the first answer recorded after the disruption; -1 while it runs.
  let disruptedAt = -1;
  const enoughAfter = () => disruptedAt >= 0 && outcomes.slice(disruptedAt).filter((o) => o.status === 201).length >= 5;
  const deadline = Date.now() + 60_000;
  const sending = Promise.all(
    [0, 1, 2].map(async (worker) => {
      for (let i = 0; !enoughAfter() && Date.now() < deadline; i++) {
        const started = Date.now();
        const response = await api.post(`/api/conversations/${conversationId}/messages`, {
          token: user.token,
          json: { content: `w${worker} #${i}` },
        });
        outcomes.push({
          status: response.status,
          code: response.body?.error?.code,
          retryAfter: response.headers.get('retry-after'),
          ms: Date.now() - started,
        });
      }
    }),
  );
  await disrupt();
  disruptedAt = outcomes.length;
  await sending;
  return outcomes;
}

// "Fast" with room for a loaded machine: the point is that no answer waits on a dead
// PostgreSQL (pg would wait for ever), not a latency figure.
const FAST_MS = 5000;

function expectCreatedOrFastUnavailable(outcomes: Outcome[]) {
  const wrong = outcomes.filter(
    (o) =>
      !(o.status === 201 || (o.status === 503 && o.code === 'database_unavailable' && Number(o.retryAfter) > 0)) ||
      o.ms > FAST_MS,
  );
  expect(wrong).toEqual([]);
  // The disruption was seen (else the test proved nothing), and sending works again after it.
  expect(outcomes.some((o) => o.status === 503)).toBe(true);
  expect(outcomes.at(-1)?.status).toBe(201);
}

let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  conversationId = await startConversation(api, alice, bob);
  // The first send compiles its query (Prisma's WebAssembly compiler): not part of what is timed.
  await api.post(`/api/conversations/${conversationId}/messages`, { token: alice.token, json: { content: 'warm-up' } });
});

test('When PostgreSQL restarts during sends, then each send answers 201 or a fast 503 database_unavailable with Retry-After (never 500), and sends succeed again afterwards without restarting the service', async () => {
  const outcomes = await sendsDuring(alice, conversationId, () => postgres.restart('fast'));
  expectCreatedOrFastUnavailable(outcomes);
}, 90_000);

test('When PostgreSQL crashes during sends (immediate stop) and comes back, then each send answers 201 or a fast 503 while it is down, reads too, and both succeed once it is up', async () => {
  const outcomes = await sendsDuring(alice, conversationId, async () => {
    await postgres.stop('immediate');
    for (const path of [`/api/conversations/${conversationId}/messages`, '/api/conversations']) {
      const started = Date.now();
      const response = await api.get(path, { token: bob.token });
      expect({ path, status: response.status, code: response.body?.error?.code }).toEqual({
        path,
        status: 503,
        code: 'database_unavailable',
      });
      expect(Date.now() - started).toBeLessThan(FAST_MS);
    }
    await postgres.start();
  });
  expectCreatedOrFastUnavailable(outcomes);
  expect((await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token })).status).toBe(200);
}, 90_000);
