import type { Browser, Request } from 'playwright-core';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/private-redis';
import { openConversation, send, startBrowserProduct, type BrowserProduct } from './support/browser-product';
import { logIn, uniqueUsername, waitForConnection, type Product, type UserPage } from './support/product';

jest.setTimeout(60_000);

// A Redis of this file's own (it is restarted empty below), and stream tokens that
// expire every 2 seconds, so the page goes through `reauth` again and again.
let redis: PrivateRedis;
let e2e: BrowserProduct | undefined;
let product: Product;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;
const bobStreamRequests: string[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  e2e = await startBrowserProduct({ REDIS_URL: redis.url, STREAM_TOKEN_TTL_SECONDS: '2' });
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
  expect(reopened.searchParams.get('lastEventId')).toMatch(/^\d+-\d+$/);
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
    // Carol has no events: her streams start from "0-0", which `ready` told the page.
    expect(streams.map((url) => new URL(url).searchParams.get('lastEventId'))).toEqual(['0-0', '0-0']);
    expect(listFetches).toEqual([]);
    await waitForConnection(carol.page, 'connected');
  } finally {
    await carol.context.close();
  }
});

test('When Redis loses its data while a message is sent, then the page is told to resync, refetches, and shows the message once', async () => {
  const refetch = bob.page.waitForRequest(
    (request) =>
      request.method() === 'GET' && /^\/api\/conversations\/\d+\/messages$/.test(new URL(request.url()).pathname),
    { timeout: 30_000 },
  );
  await redis.kill();
  try {
    // Stored, but published nowhere (Redis is down): only a refetch can show it.
    await send(alice, 'While Redis was down');
  } finally {
    await redis.restart();
  }

  // The stream service cannot prove what Bob missed (the event log is gone), so it sends `resync`.
  await refetch;
  const messages = await bobSees('While Redis was down');
  await waitForConnection(bob.page, 'connected');
  await send(alice, 'Barrier two');
  await bobSees('Barrier two');
  expect(await messages.getByText('While Redis was down', { exact: true }).count()).toBe(1);
  expect(await messages.locator('.message').count()).toBe(5);
});
