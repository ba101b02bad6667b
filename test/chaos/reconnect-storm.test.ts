import { loginUser, startConversation, type TestUser } from '../support/messages/messages-client';
import { openEventSource, type RecordedEventSource } from '../support/stream/stream-event-source';
import { startStreamProcess, type StreamProcess } from '../support/stream/stream-process';
import { startChaosProduct, type ChaosProduct } from './support/chaos-product';
import { startFailoverProxy, type FailoverProxy } from './support/failover-proxy';

// A reconnect storm: 2,000 EventSources on one stream instance, behind a load balancer,
// all told to reconnect at once when the instance gets SIGTERM. They come back on the
// second instance by themselves, with their Last-Event-ID, and then a message to each
// of 50 users reaches every one of their tabs exactly once.
const PAIRS = 50;
const TABS_PER_USER = 20;
let product: ChaosProduct;
let instances: StreamProcess[] = [];
let proxy: FailoverProxy;
const tabs: { user: TestUser; source: RecordedEventSource }[] = [];
let pairs: { a: TestUser; b: TestUser; conversationId: string }[] = [];

beforeAll(async () => {
  product = await startChaosProduct();
  // Goodbyes all at once ("cut"), and reconnects within 0.3 to 0.6 s.
  const settings = { STREAM_SHUTDOWN_SPREAD_MS: '0', STREAM_RETRY_MS: '300', LOG_LEVEL: 'warn' };
  instances = await Promise.all([0, 1].map(() => startStreamProcess(product.streamConfig, settings)));
  proxy = await startFailoverProxy(instances.map((instance) => instance.url));
  pairs = await Promise.all(
    Array.from({ length: PAIRS }, async () => {
      const [a, b] = await Promise.all([loginUser(product.api), loginUser(product.api)]);
      return { a, b, conversationId: await startConversation(product.api, a, b) };
    }),
  );
  for (const { a, b } of pairs) {
    for (const user of [a, b]) {
      for (let i = 0; i < TABS_PER_USER; i += 1)
        tabs.push({ user, source: openEventSource(proxy.url, { token: user.token }) });
    }
  }
  await everyTab('ready', (source) => source.ready.length > 0);
}, 120_000);

/** Waits until `condition` holds on every tab; on failure, says how many tabs missed it and why. */
async function everyTab(what: string, condition: (source: RecordedEventSource) => boolean): Promise<void> {
  const results = await Promise.allSettled(
    tabs.map(({ source }) => source.waitFor(() => condition(source), what, 60_000)),
  );
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  expect({ what, tabsMissing: failures.length, firstFailures: failures.slice(0, 3) }).toEqual({
    what,
    tabsMissing: 0,
    firstFailures: [],
  });
}

afterAll(async () => {
  for (const { source } of tabs) source.close();
  await proxy?.stop();
  await Promise.all(instances.map((instance) => instance.kill('SIGKILL')));
  await product?.stop();
});

test(`When ${PAIRS * 2 * TABS_PER_USER} EventSources are cut at once by a SIGTERM of their instance, then they reconnect to the other and a message to each of ${PAIRS} users reaches every one of their tabs exactly once`, async () => {
  expect(tabs).toHaveLength(2000);
  const [first] = instances;
  await first!.kill('SIGTERM');
  expect(await first!.exited).toBe(0);
  await everyTab('the reconnect', (source) => source.ready.length >= 2);

  // One message to each sampled user (b), then a second round as the barrier behind which a duplicate would show.
  const rounds: string[][] = [];
  for (const round of ['storm', 'barrier']) {
    const responses = await Promise.all(
      pairs.map(({ a, conversationId }) =>
        product.api.post(`/api/conversations/${conversationId}/messages`, { token: a.token, json: { content: round } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
    rounds.push(responses.map((r) => r.body.id));
  }
  const messagesOf = (source: RecordedEventSource) => source.received.filter((e) => e.type === 'message');
  await everyTab('both messages', (source) => messagesOf(source).length >= 2);
  for (const [i, { a, b }] of pairs.entries()) {
    for (const { user, source } of tabs.filter((tab) => tab.user === a || tab.user === b)) {
      expect(messagesOf(source).map((e) => [JSON.parse(e.data).id, JSON.parse(e.data).mine])).toEqual([
        [rounds[0]![i], user === a],
        [rounds[1]![i], user === a],
      ]);
      // The goodbye, then nothing but the two messages: no resync.
      expect(source.received.map((e) => e.type)).toEqual(['reconnect', 'message', 'message']);
    }
  }
}, 120_000);
