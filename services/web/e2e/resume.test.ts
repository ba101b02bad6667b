import type { Browser, Request } from 'playwright-core';
import { createPrivateDatabase, type PrivateDatabase } from '../../../test/support/infra/private-database';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/infra/private-redis';
import { openConversation, send, startBrowserProduct, type BrowserProduct } from './support/browser-product';
import { logIn, uniqueUsername, waitForConnection, type Product, type UserPage } from './support/product';

jest.setTimeout(60_000);

// A Redis of this file's own (it is flushed below), on a database of its own (whose
// outbox only this product relays), and stream tokens that expire every 2 seconds, so
// the page goes through `reauth` again and again.
let redis: PrivateRedis;
let database: PrivateDatabase;
let e2e: BrowserProduct | undefined;
let product: Product;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;
const bobStreamRequests: string[] = [];

beforeAll(async () => {
  [redis, database] = await Promise.all([startPrivateRedis(), createPrivateDatabase('web_resume')]);
  e2e = await startBrowserProduct({ REDIS_URL: redis.url, DATABASE_URL: database.url, STREAM_TOKEN_TTL_SECONDS: '2' });
  ({ product, browser } = e2e);
  const bobName = uniqueUsername('bob');
  [alice, bob] = await Promise.all([
    logIn(browser, product.url, uniqueUsername('alice')),
    logIn(browser, product.url, bobName),
  ]);
  bob.page.on('request', (request: Request) => {
    if (new URL(request.url()).pathname === '/api/messages') bobStreamRequests.push(request.url());
  });

  await openConversation(alice, bob, bobName, 'First');
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
  await redis?.stop();
  await database?.drop();
});

async function bobSees(text: string) {
  const messages = bob.page.getByRole('list', { name: 'Messages' });
  await messages.getByText(text, { exact: true }).waitFor({ timeout: 20_000 });
  return messages;
}

test('When the stream token expires, then the page reopens the stream with a fresh token and ?lastEventId=, and misses nothing', async () => {
  const opened = bobStreamRequests.length;
  await bob.page.waitForRequest(
    (request) => new URL(request.url()).pathname === '/api/messages' && bobStreamRequests.length > opened + 1,
  );
  const reopened = new URL(bobStreamRequests.at(-1)!);
  expect(reopened.searchParams.get('lastEventId')).toMatch(/^\d+:\d+$/);
  // The URL carries a short-lived stream token, never the login token.
  const sessionToken = await bob.page.evaluate(
    () => JSON.parse(localStorage.getItem('messenger.session') ?? '{}').token as string,
  );
  const streamToken = reopened.searchParams.get('token') ?? '';
  expect(streamToken).not.toBe(sessionToken);
  expect(JSON.parse(Buffer.from(streamToken.split('.')[1] ?? '', 'base64url').toString()).aud).toBe('stream');
  await waitForConnection(bob.page, 'connected');

  await send(alice, 'Across a reauth');
  const messages = await bobSees('Across a reauth');
  await send(alice, 'Barrier one');
  await bobSees('Barrier one');
  expect(await messages.getByText('Across a reauth', { exact: true }).count()).toBe(1);
});

test('When an idle tab (no event ever received) reauths, then it reopens with ?lastEventId= from `ready` and does not refetch', async () => {
  const carol = await logIn(browser, product.url, uniqueUsername('carol'));
  try {
    const streams: string[] = [];
    const listFetches: string[] = [];
    carol.page.on('request', (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/messages') streams.push(request.url());
      if (request.method() === 'GET' && url.pathname === '/api/conversations') listFetches.push(request.url());
    });
    // Two reopens (tokens last 2 s): by the second request, the first reopened stream has had its `open`.
    await carol.page.waitForRequest(
      (request) => new URL(request.url()).pathname === '/api/messages' && streams.length >= 2,
      {
        timeout: 20_000,
      },
    );
    // Carol has no events: her streams start from "<epoch>:0" (a head started for her, no
    // event yet), which `ready` told the page, and resuming from it needs no refetch.
    const cursors = streams.map((url) => new URL(url).searchParams.get('lastEventId'));
    expect(cursors).toEqual([expect.stringMatching(/^\d+:0$/), cursors[0]]);
    expect(listFetches).toEqual([]);
    await waitForConnection(carol.page, 'connected');
  } finally {
    await carol.context.close();
  }
});

test('When Redis loses an event the page had not received yet, then the page is told to resync, refetches, and shows every message once', async () => {
  // Bob's page is away (the stream service is down) while Alice's message is relayed to Redis…
  await product.stopStream();
  await waitForConnection(bob.page, 'reconnecting');
  await send(alice, 'Lost with the log');
  // …and Redis loses it. Her next message starts a new log, after an event Bob never got.
  await redis.client().flushall();
  await send(alice, 'In the new log');

  const refetch = bob.page.waitForRequest(
    (request) =>
      request.method() === 'GET' && /^\/api\/conversations\/\d+\/messages$/.test(new URL(request.url()).pathname),
    { timeout: 30_000 },
  );
  await product.startStreamAgain();
  // The stream service cannot prove what Bob missed (his cursor predates the log), so it sends `resync`.
  await refetch;
  const messages = await bobSees('Lost with the log');
  await bobSees('In the new log');
  await waitForConnection(bob.page, 'connected');
  await send(alice, 'Barrier two');
  await bobSees('Barrier two');
  for (const text of ['Lost with the log', 'In the new log']) {
    expect(await messages.getByText(text, { exact: true }).count()).toBe(1);
  }
  expect(await messages.locator('.message').count()).toBe(6);
});
