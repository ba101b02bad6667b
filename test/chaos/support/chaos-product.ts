import type { Config } from '#libs/config';
import { start as startStream, type StreamServer } from '../../../services/stream/src/server';
import { startMessagesApp, type MessagesApp } from '../../support/messages/messages-app';
import {
  createApiClient,
  loginUser,
  startConversation,
  type ApiClient,
  type TestUser,
} from '../../support/messages/messages-client';
import { createPrivateDatabase, type PrivateDatabase } from '../../support/infra/private-database';
import { startPrivateRedis, type PrivateRedis, type PrivateRedisOptions } from '../../support/infra/private-redis';
import { openChaosTab, type ChaosTab } from './chaos-tab';
import { testConfig } from '../../support/product/test-config';

/**
 * The product for a chaos case: the messages service (with its outbox relay) and a
 * stream service, in this process, on loopback. With `privateRedis`, both use a
 * redis-server of the case's own (the case stops or kills it) and the messages service
 * a database of its own, whose outbox no other test's relay takes.
 */
export interface ChaosProduct {
  api: ApiClient;
  messages: MessagesApp;
  stream: StreamServer;
  /** The stream service's settings, for starting more instances like it. */
  streamConfig: Config;
  redis: PrivateRedis | undefined;
  stop(): Promise<void>;
}

export interface ChaosProductOptions {
  privateRedis?: PrivateRedisOptions;
  /** Overrides for the messages service (a DATABASE_URL through a proxy, say). */
  messagesEnv?: Record<string, string>;
  /** Overrides for the stream service. */
  streamEnv?: Record<string, string>;
}

export async function startChaosProduct(options: ChaosProductOptions = {}): Promise<ChaosProduct> {
  let redis: PrivateRedis | undefined;
  let database: PrivateDatabase | undefined;
  if (options.privateRedis) {
    [redis, database] = await Promise.all([startPrivateRedis(options.privateRedis), createPrivateDatabase('chaos')]);
  }
  const databaseUrl = options.messagesEnv?.DATABASE_URL ?? database?.url;
  // The same database URL for both, so they agree on the events prefix (test-events-prefix.ts).
  const shared = {
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    ...(redis && { REDIS_URL: redis.url }),
  };
  const messages = await startMessagesApp({ ...shared, ...options.messagesEnv });
  const streamConfig = testConfig({ ...shared, ...options.streamEnv });
  const stream = await startStream(streamConfig);
  return {
    api: createApiClient(messages.url),
    messages,
    stream,
    streamConfig,
    redis,
    async stop() {
      await Promise.allSettled([stream.stop(), messages.stop()]);
      await redis?.stop();
      await database?.drop();
    },
  };
}

/**
 * Alice and Bob in one conversation; Bob's tab and Alice's other tab hold streams (see
 * chaos-tab.ts), on `streamUrls` (Alice's on `aliceUrls` when given).
 */
export interface ChatPair {
  alice: TestUser;
  bob: TestUser;
  conversationId: string;
  bobTab: ChaosTab;
  aliceTab: ChaosTab;
  tabs: ChaosTab[];
}

export async function openChatPair(api: ApiClient, streamUrls: string[], aliceUrls = streamUrls): Promise<ChatPair> {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  const tabOf = (user: TestUser, urls: string[]) =>
    openChaosTab({
      urls,
      token: user.token,
      // What the web app does on resync: refetch the conversation's messages.
      refetch: async () => {
        const page = await api.get(`/api/conversations/${conversationId}/messages?limit=100`, { token: user.token });
        return page.status === 200 ? page.body.map((m: { id: string }) => m.id) : [];
      },
    });
  const [bobTab, aliceTab] = [tabOf(bob, streamUrls), tabOf(alice, aliceUrls)];
  const tabs = [bobTab, aliceTab];
  await Promise.all(tabs.map((tab) => tab.waitFor(() => tab.opens > 0, 'the stream to open')));
  return { alice, bob, conversationId, bobTab, aliceTab, tabs };
}

/**
 * For a test file: the product and Alice and Bob's chat on its stream service, started
 * in beforeAll and stopped in afterAll. Options given as a function are read in
 * beforeAll, after the file's earlier hooks ran (a private PostgreSQL started there).
 */
export function useChaosChat(options: ChaosProductOptions | (() => ChaosProductOptions) = {}): {
  readonly product: ChaosProduct;
  readonly chat: ChatPair;
} {
  let product: ChaosProduct | undefined;
  let chat: ChatPair | undefined;
  beforeAll(async () => {
    product = await startChaosProduct(typeof options === 'function' ? options() : options);
    chat = await openChatPair(product.api, [product.stream.url]);
  }, 60_000);
  afterAll(async () => {
    for (const tab of chat?.tabs ?? []) tab.close();
    await product?.stop();
  });
  const running = <T>(value: T | undefined): T => {
    if (!value) throw new Error('the chaos product is not running (used outside a test or hook?)');
    return value;
  };
  return {
    get product() {
      return running(product);
    },
    get chat() {
      return running(chat);
    },
  };
}
