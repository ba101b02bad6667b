import { startChaosProduct, type ChaosProduct, type ChatPair } from '../../chaos/support/chaos-product';
import type { SentMessage } from '../../chaos/support/delivery-check';
import { startLocalCluster, type LocalCluster, type LocalClusterOptions } from '../../support/infra/local-cluster';
import { createPrivateDatabase, type PrivateDatabase } from '../../support/infra/private-database';

/**
 * For a test file that changes a cluster's topology: a local cluster of its own, and
 * the product (messages service with its relay, a stream service) on it, with a
 * database of its own (no other relay takes its outbox to another Redis). Started in
 * beforeAll, stopped in afterAll.
 */
export function useClusterProduct(
  label: string,
  options: LocalClusterOptions = {},
): { readonly cluster: LocalCluster; readonly product: ChaosProduct } {
  let cluster: LocalCluster | undefined;
  let database: PrivateDatabase | undefined;
  let product: ChaosProduct | undefined;
  beforeAll(async () => {
    [cluster, database] = await Promise.all([startLocalCluster(options), createPrivateDatabase(label)]);
    const env = { REDIS_CLUSTER_NODES: cluster.nodesEnv, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' };
    product = await startChaosProduct({ messagesEnv: { ...env, DATABASE_URL: database.url }, streamEnv: env });
  }, 60_000);
  afterAll(async () => {
    await product?.stop();
    await Promise.allSettled([cluster?.stop(), database?.drop()]);
  });
  const running = <T>(value: T | undefined): T => {
    if (!value) throw new Error('the cluster product is not running (used outside a test or hook?)');
    return value;
  };
  return {
    get cluster() {
      return running(cluster);
    },
    get product() {
      return running(product);
    },
  };
}

/** Sends message `i` of a chat, from Bob and Alice in turn; expects it acknowledged (201). */
export async function sendInChat(product: ChaosProduct, chat: ChatPair, i: number): Promise<SentMessage> {
  const response = await product.api.post(`/api/conversations/${chat.conversationId}/messages`, {
    token: i % 2 ? chat.alice.token : chat.bob.token,
    json: { content: `message ${i}` },
  });
  expect(response.status).toBe(201);
  return response.body;
}
