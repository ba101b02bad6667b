import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startBrowserProduct, type BrowserProduct } from './support/browser-product';
import { apiLogin, apiSend, apiStart } from './support/api-calls';
import { logIn, MOBILE, sessionToken, uniqueUsername, type Product, type UserPage } from './support/product';

jest.setTimeout(60_000);

let e2e: BrowserProduct | undefined;
let product: Product;
let browser: Browser;
let alice: UserPage;
let bob: UserPage;
const aliceName = uniqueUsername('alice');
const bobName = uniqueUsername('bob');
let conversationPath = '';

beforeAll(async () => {
  e2e = await startBrowserProduct();
  ({ product, browser } = e2e);
  alice = await logIn(browser, product.url, aliceName);
  bob = await logIn(browser, product.url, bobName);
}, 90_000);

afterAll(() => e2e?.stop());

// The scenarios build on each other, as a conversation does: each test starts where the previous one ended.
describe('Two users chatting in two browser windows', () => {
  test("When Alice starts a conversation with Bob and sends a message, then it appears on her page and, live and unread, in Bob's list", async () => {
    const { page } = alice;
    const start = page.getByLabel('Start conversation');
    await start.fill(bobName.slice(0, -2));
    // Suggestions come from /api/usernames as she types.
    await page.locator(`#username-suggestions option[value="${bobName}"]`).waitFor({ state: 'attached' });
    await start.fill(bobName);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    conversationPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: bobName }).waitFor();

    await page.getByLabel('Message', { exact: true }).fill('Hello Bob!');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('list', { name: 'Messages' }).getByText('Hello Bob!').waitFor();

    const item = bob.page
      .getByRole('list', { name: 'Conversations' })
      .getByRole('listitem')
      .filter({ hasText: aliceName });
    await item.and(bob.page.locator('[data-unread="true"]')).waitFor();
    expect(await item.textContent()).toContain('Hello Bob!');
    await bob.page.waitForFunction(() => document.title === '(1) Messenger');
  });

  test('When Bob opens the conversation, then he sees the message, it is no longer unread, and Alice sees "Seen"', async () => {
    await bob.page
      .getByRole('list', { name: 'Conversations' })
      .getByRole('link', { name: new RegExp(aliceName) })
      .click();
    await bob.page.waitForURL((url) => url.pathname === conversationPath);
    await bob.page.getByRole('list', { name: 'Messages' }).getByText('Hello Bob!').waitFor();
    // Nothing unread any more; the title names the conversation on screen.
    await bob.page.waitForFunction((name) => document.title === `${name} · Messenger`, aliceName);

    await alice.page.getByText('Seen', { exact: true }).waitFor();
  });

  test('When Alice sends while Bob has the conversation open, then it appears on his page at once, exactly once, and "Seen" follows', async () => {
    await alice.page.getByLabel('Message', { exact: true }).fill('Are you there?');
    await alice.page.getByLabel('Message', { exact: true }).press('Enter');
    // Bob's page has the conversation open, so it marks the new message read: "Seen" follows on Alice's page.
    const bobMessages = bob.page.getByRole('list', { name: 'Messages' });
    await bobMessages.getByText('Are you there?').waitFor();
    await alice.page.getByText('Seen', { exact: true }).waitFor();
    expect(await bobMessages.getByText('Are you there?').count()).toBe(1);
    expect(await alice.page.getByRole('list', { name: 'Messages' }).locator('.message').count()).toBe(2);
  });

  test('When a message contains HTML, then both pages show it as text and no script runs', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    await bob.page.getByLabel('Message', { exact: true }).fill(payload);
    await bob.page.getByRole('button', { name: 'Send' }).click();

    for (const { page } of [alice, bob]) {
      const messages = page.getByRole('list', { name: 'Messages' });
      await messages.getByText(payload, { exact: true }).waitFor();
      expect(await messages.locator('img').count()).toBe(0);
    }
    expect(alice.dialogs).toEqual([]);
    expect(bob.dialogs).toEqual([]);
  });

  test('When a message contains a URL, then it is a safe link and a javascript: URL is not', async () => {
    await alice.page
      .getByLabel('Message', { exact: true })
      .fill('Docs: https://example.com/guide?x=1. Not this: javascript:alert(1)');
    await alice.page.getByRole('button', { name: 'Send' }).click();

    const link = bob.page
      .getByRole('list', { name: 'Messages' })
      .getByRole('link', { name: 'https://example.com/guide?x=1' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://example.com/guide?x=1');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await bob.page.locator('a[href^="javascript:"]').count()).toBe(0);
  });

  test('When a message is too long, then the counter and an error next to the field say so, and nothing is sent', async () => {
    const field = alice.page.getByLabel('Message', { exact: true });
    await field.fill('x'.repeat(481));
    await alice.page.getByText('481/480').waitFor();
    await alice.page.getByRole('button', { name: 'Send' }).click();
    await alice.page.locator('#message-error', { hasText: '1 character too long' }).waitFor();
    expect(await alice.page.getByRole('list', { name: 'Messages' }).locator('.message').count()).toBe(4);
    await field.fill('');
  });

  test('When the page is reloaded, then the session, the conversation and "Seen" survive, and the pages can be captured', async () => {
    // Bob's open page has read Alice's last message: "Seen", from the live `read` event...
    await alice.page.getByText('Seen', { exact: true }).waitFor();
    await alice.page.reload();
    await alice.page.getByRole('list', { name: 'Messages' }).getByText('Hello Bob!').waitFor();
    // ...and after the reload from the conversation's otherParticipantReadAt: a fresh stream replays no `read` event.
    await alice.page.getByText('Seen', { exact: true }).waitFor();
    await alice.page.locator('.connection[data-state="connected"]').waitFor();
    await bob.page.getByLabel('Message', { exact: true }).fill('Yes! Sorry, I was making tea.');
    await bob.page.getByRole('button', { name: 'Send' }).click();
    await alice.page.getByRole('list', { name: 'Messages' }).getByText('Yes! Sorry, I was making tea.').waitFor();
    await bob.page.getByLabel('Message', { exact: true }).fill('Look: https://example.com/tea\n\nIt has a camera too.');
    await bob.page.getByRole('button', { name: 'Send' }).click();
    await alice.page.getByRole('list', { name: 'Messages' }).getByText('It has a camera too.').waitFor();

    // Alice has read it (it is on her screen): the picture shows the list settled.
    await alice.page
      .getByRole('list', { name: 'Conversations' })
      .locator('[data-unread="true"]')
      .waitFor({ state: 'detached' });
    // The README's pictures (docs/screenshot-*.png) are rewritten only on request
    // (UPDATE_SCREENSHOT=1), so a test run leaves the working tree clean.
    const root = path.resolve(__dirname, '../../..');
    const target = process.env.UPDATE_SCREENSHOT === '1' ? path.join(root, 'docs') : path.join(root, 'test-results');
    await mkdir(target, { recursive: true });
    const shots = [await alice.page.screenshot({ path: path.join(target, 'screenshot-desktop.png') })];
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    shots.push(await alice.page.screenshot({ path: path.join(target, 'screenshot-desktop-dark.png') }));
    await alice.page.emulateMedia({ colorScheme: 'light' });
    // Bob on his phone, in the same conversation.
    const phone = await logIn(browser, product.url, bobName, { viewport: MOBILE });
    try {
      await phone.page.goto(product.url + conversationPath);
      await phone.page.getByRole('list', { name: 'Messages' }).getByText('It has a camera too.').waitFor();
      shots.push(await phone.page.screenshot({ path: path.join(target, 'screenshot-mobile.png') }));
    } finally {
      await phone.context.close();
    }
    for (const shot of shots) expect(shot.length).toBeGreaterThan(10_000);
  });

  test('When messages arrive for conversations not on screen, then the list reorders live and marks them unread, with no request per event', async () => {
    // Wide screen: the list is beside the conversation; Bob closes it with the browser's Back.
    await bob.page.goBack();
    await bob.page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
    const list = bob.page.getByRole('list', { name: 'Conversations' });
    await list.getByRole('listitem').filter({ hasText: aliceName }).waitFor();

    // Carol has no browser: she uses the API directly.
    const carol = await apiLogin(product.url, uniqueUsername('carol'));
    const started = await apiStart(product.url, carol.token, bobName);
    await apiSend(product.url, carol.token, started, 'Hi from Carol');
    await list
      .getByRole('listitem')
      .first()
      .filter({ hasText: 'Hi from Carol' })
      .and(bob.page.locator('[data-unread="true"]'))
      .waitFor();
    await bob.page.waitForFunction(() => document.title === '(1) Messenger');

    const listRequests: string[] = [];
    bob.page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/conversations')) listRequests.push(request.url());
    });
    await alice.page.getByLabel('Message', { exact: true }).fill('Back to the top');
    await alice.page.getByRole('button', { name: 'Send' }).click();
    await list
      .getByRole('listitem')
      .first()
      .filter({ hasText: 'Back to the top' })
      .and(bob.page.locator('[data-unread="true"]'))
      .waitFor();
    await bob.page.waitForFunction(() => document.title === '(2) Messenger');
    expect(await list.getByRole('listitem').nth(1).textContent()).toContain('Hi from Carol');
    expect(listRequests).toEqual([]);
  });

  test('When a conversation has more than a page of messages, then "Load older messages" brings the older ones, in order, without duplicates', async () => {
    const token = await sessionToken(alice.page);
    const conversationId = conversationPath.split('/').pop() ?? '';
    for (let i = 1; i <= 25; i += 1) await apiSend(product.url, token, conversationId, `Paged ${i}`);
    await bob.page
      .getByRole('list', { name: 'Conversations' })
      .getByRole('link', { name: new RegExp(aliceName) })
      .click();
    const messages = bob.page.getByRole('list', { name: 'Messages' });
    await messages.getByText('Paged 25', { exact: true }).waitFor();
    const firstPage = await messages.locator('.message-content').allTextContents();
    expect(firstPage).toHaveLength(25);
    expect(firstPage[0]).toBe('Paged 1');

    await bob.page.getByRole('button', { name: 'Load older messages' }).click();
    await messages.getByText('Hello Bob!', { exact: true }).waitFor();
    const all = await messages.locator('.message-content').allTextContents();
    expect(all.slice(0, 2)).toEqual(['Hello Bob!', 'Are you there?']);
    expect(all.slice(-25)).toEqual(Array.from({ length: 25 }, (_, i) => `Paged ${i + 1}`));
    expect(new Set(all).size).toBe(all.length);
    // The 7 earlier messages and the 25 new ones: everything, so there is nothing more to load.
    expect(all).toHaveLength(32);
    await bob.page.getByRole('button', { name: 'Load older messages' }).waitFor({ state: 'hidden' });
  });

  test('When a message arrives, then the page scrolls to it only if the reader was at the bottom, else "New messages" appears and jumps there', async () => {
    const scroller = bob.page.locator('.message-scroller');
    const messages = bob.page.getByRole('list', { name: 'Messages' });
    await scroller.evaluate((node) => (node.scrollTop = 0));
    await alice.page.getByLabel('Message', { exact: true }).fill('While Bob reads old messages');
    await alice.page.getByRole('button', { name: 'Send' }).click();
    await messages.getByText('While Bob reads old messages').waitFor({ state: 'attached' });
    const jump = bob.page.getByRole('button', { name: 'New messages' });
    await jump.waitFor();
    expect(await scroller.evaluate((node) => node.scrollTop)).toBe(0);
    await jump.click();
    await jump.waitFor({ state: 'hidden' });
    expect(
      await scroller.evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight),
    ).toBeLessThanOrEqual(2);

    await alice.page.getByLabel('Message', { exact: true }).fill('While Bob is at the bottom');
    await alice.page.getByRole('button', { name: 'Send' }).click();
    await messages.getByText('While Bob is at the bottom').waitFor();
    await bob.page.waitForFunction(() => {
      const node = document.querySelector('.message-scroller')!;
      return node.scrollHeight - node.scrollTop - node.clientHeight <= 2;
    });
  });

  test('When Alice logs out, then she is back on the login page and a reload keeps her logged out', async () => {
    await alice.page.getByRole('button', { name: 'Log out' }).click();
    await alice.page.getByLabel('Username').waitFor();
    await alice.page.reload();
    await alice.page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(new URL(alice.page.url()).pathname).toBe('/login');
  });
});
