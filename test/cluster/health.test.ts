import { createApiClient } from '../support/messages-client';
import { useClusterProduct } from './support/cluster-product';

// /healthz on a cluster that loses a master with no replica to take over: its slots
// are unserved, cluster_state becomes fail. A cluster of its own: 3 masters, no replicas.
const setup = useClusterProduct('health', { replicasPerMaster: 0 });

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

test('When a master dies with no replica, then the stream service answers 503 and the messages service reports Redis unavailable (still 200: sends go on), until it is back', async () => {
  const { cluster, product } = setup;
  const streamUrl = product.stream.url;
  expect((await health(streamUrl)).status).toBe(200);
  expect((await health(product.messages.url)).body).toMatchObject({ status: 'ok', redis: 'ok' });

  const victim = cluster.ports[0]!;
  await cluster.kill(victim);
  await eventually(async () => (await health(streamUrl)).status === 503, 'the stream service to answer 503');
  await eventually(
    async () => (await health(product.messages.url)).body.redis === 'unavailable',
    'the messages service to report Redis unavailable',
  );
  expect(await health(product.messages.url)).toMatchObject({ status: 200, body: { status: 'degraded' } });

  await cluster.restart(victim);
  await cluster.waitUntilOk();
  await eventually(async () => (await health(streamUrl)).status === 200, 'the stream service to answer 200 again');
  await eventually(
    async () => (await health(product.messages.url)).body.redis === 'ok',
    'the messages service to report Redis ok',
  );
}, 60_000);
