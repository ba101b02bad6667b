import type { Browser } from 'playwright-core';
import {
  buildFrontend,
  launchChromium,
  logIn,
  startProduct,
  uniqueUsername,
  waitForConnection,
  type Product,
  type UserPage,
} from './support/product';

jest.setTimeout(60_000);

let frontend: Awaited<ReturnType<typeof buildFrontend>>;
let product: Product;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;

beforeAll(async () => {
  frontend = await buildFrontend();
  product = await startProduct(frontend.dir);
  browser = await launchChromium();
  const bobName = uniqueUsername('bob');
  [alice, bob] = await Promise.all([logIn(browser, product.url, uniqueUsername('alice')), logIn(browser, product.url, bobName)]);

  // Alice and Bob have a conversation, open on both pages.
  await alice.page.getByLabel('Start conversation').fill(bobName);
  await alice.page.getByRole('button', { name: 'Start' }).click();
  await alice.page.waitForURL(/\/conversations\/\d+$/);
  await send(alice, 'Before the outage');
  await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().click();
  await bob.page.getByRole('list', { name: 'Messages' }).getByText('Before the outage').waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await frontend?.remove();
});

async function send({ page }: UserPage, text: string) {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('list', { name: 'Messages' }).getByText(text, { exact: true }).waitFor();
}

test('When the stream service restarts while Bob\'s page is open, then the message sent during the outage appears exactly once after it comes back', async () => {
  await product.stopStream();
  await waitForConnection(bob.page, 'reconnecting');

  // The REST API is still up: Alice's message is stored and its event logged in Redis.
  await send(alice, 'Sent during the outage');

  await product.startStreamAgain();
  const bobMessages = bob.page.getByRole('list', { name: 'Messages' });
  await bobMessages.getByText('Sent during the outage').waitFor({ timeout: 20_000 });
  await waitForConnection(bob.page, 'connected');

  // A later message is the barrier: once it is shown, any duplicate of the earlier one would be too.
  await send(alice, 'After the outage');
  await bobMessages.getByText('After the outage').waitFor();
  expect(await bobMessages.getByText('Sent during the outage').count()).toBe(1);
  expect(await bobMessages.getByRole('listitem').allTextContents()).toEqual([
    expect.stringContaining('Before the outage'),
    expect.stringContaining('Sent during the outage'),
    expect.stringContaining('After the outage'),
  ]);
});
