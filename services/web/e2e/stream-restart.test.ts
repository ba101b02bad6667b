import type { Browser, Request } from 'playwright-core';
import { openConversation, send, startBrowserProduct, type BrowserProduct } from './support/browser-product';
import { logIn, uniqueUsername, waitForConnection, type Product, type UserPage } from './support/product';

jest.setTimeout(60_000);

let e2e: BrowserProduct | undefined;
let product: Product;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;
// A third tab that never receives an event: its cursor comes only from the stream's `ready`.
let carol: UserPage;
const carolStreams: string[] = [];
const carolListFetches: string[] = [];

beforeAll(async () => {
  e2e = await startBrowserProduct();
  ({ product, browser } = e2e);
  const bobName = uniqueUsername('bob');
  [alice, bob, carol] = await Promise.all([
    logIn(browser, product.url, uniqueUsername('alice')),
    logIn(browser, product.url, bobName),
    logIn(browser, product.url, uniqueUsername('carol')),
  ]);
  carol.page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/messages') carolStreams.push(request.url());
    if (request.method() === 'GET' && url.pathname === '/api/conversations') carolListFetches.push(request.url());
  });

  // Alice and Bob have a conversation, open on both pages.
  await openConversation(alice, bob, bobName, 'Before the outage');
}, 90_000);

afterAll(() => e2e?.stop());

test("When the stream service restarts while Bob's page is open, then the message sent during the outage appears exactly once after it comes back, and an idle tab resumes by cursor without refetching", async () => {
  await product.stopStream();
  await waitForConnection(bob.page, 'reconnecting');

  // The REST API is still up: Alice's message is stored and its event logged in Redis.
  await send(alice, 'Sent during the outage');

  // Down long enough for the browser to give up (its reconnect gets 502, readyState
  // CLOSED) and the page to open a new EventSource itself, with the cursor it tracked.
  await carol.page.waitForRequest(
    (request) =>
      new URL(request.url()).pathname === '/api/messages' && new URL(request.url()).searchParams.has('lastEventId'),
    { timeout: 20_000 },
  );
  await product.startStreamAgain();
  const bobMessages = bob.page.getByRole('list', { name: 'Messages' });
  await bobMessages.getByText('Sent during the outage').waitFor({ timeout: 20_000 });
  await waitForConnection(bob.page, 'connected');

  // A later message is the barrier: once it is shown, any duplicate of the earlier one would be too.
  await send(alice, 'After the outage');
  await bobMessages.getByText('After the outage').waitFor();
  expect(await bobMessages.getByText('Sent during the outage').count()).toBe(1);
  expect(await bobMessages.locator('.message').allTextContents()).toEqual([
    expect.stringContaining('Before the outage'),
    expect.stringContaining('Sent during the outage'),
    expect.stringContaining('After the outage'),
  ]);

  // Carol never got an event: the cursor she reopened with came from `ready` ("<epoch>:0",
  // a head without events), so her page resumed instead of refetching her conversation list.
  await waitForConnection(carol.page, 'connected');
  const reopened = carolStreams.map((url) => new URL(url).searchParams.get('lastEventId')).filter((id) => id !== null);
  expect(reopened.length).toBeGreaterThan(0);
  expect(reopened[0]).toMatch(/^\d+:0$/);
  expect(new Set(reopened)).toEqual(new Set([reopened[0]]));
  expect(carolListFetches).toEqual([]);
});
