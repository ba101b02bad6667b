import type { Page } from 'playwright-core';
import { apiCall, apiLogin, apiSend, apiStart } from './support/api-calls';
import { useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES, uniqueUsername } from './support/product';
import { CONTROLLABLE_VISIBILITY, NOTIFICATION_SPY, notificationsShown, setTabHidden } from './support/page-hooks';
import { openAs, pairWithMessages } from './support/scenes';

jest.setTimeout(60_000);

const e2e = useBrowserProduct();

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `Older message ${i + 1}`);

/** Every "mark read" the page asks the server for. */
function readRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/read_messages')) seen.push(request.url());
  });
  return seen;
}

async function otherReadAt(conversationId: string, token: string): Promise<number> {
  const conversation = await apiCall(e2e.product.url, 'GET', `/api/conversations/${conversationId}`, token);
  return Date.parse(conversation.otherParticipantReadAt);
}

describe.each(BOTH_SIZES)('Reading at %s size', (_, viewport) => {
  test('When a message arrives while the reader is scrolled far up or the tab is hidden, then it is marked read only once it is on screen in a visible tab (bug 5)', async () => {
    const { alice, bob, conversationId } = await pairWithMessages(e2e.browser, e2e.product.url, numbered(40), {
      viewport,
      initScripts: [CONTROLLABLE_VISIBILITY],
    });
    try {
      const reads = readRequests(alice.page);
      const scroller = alice.page.locator('.message-scroller');
      const messages = alice.page.getByRole('list', { name: 'Messages' });

      // Scrolled far up: the new message arrives below, out of sight.
      await scroller.evaluate((node) => (node.scrollTop = 0));
      // Scrolling to the top loads the older page; wait for it so nothing moves any more.
      await alice.page.getByRole('button', { name: 'Load older messages' }).waitFor({ state: 'hidden' });
      await scroller.evaluate((node) => (node.scrollTop = 0));
      const first = await apiSend(e2e.product.url, bob.token, conversationId, 'Sent while Alice reads old ones');
      await alice.page.getByRole('button', { name: 'New messages' }).waitFor();
      // Tab hidden, at the bottom: on screen but not seen.
      await setTabHidden(alice.page, true);
      await alice.page.getByRole('button', { name: 'New messages' }).click();
      await messages.getByText('Sent while Alice reads old ones').waitFor();
      const second = await apiSend(e2e.product.url, bob.token, conversationId, 'Sent while the tab is hidden');
      await messages.getByText('Sent while the tab is hidden').waitFor();
      // A negative check needs a window: longer than the page's short delay before marking read.
      await alice.page.waitForTimeout(1000);
      expect(reads).toEqual([]);
      expect(await otherReadAt(conversationId, bob.token)).toBeLessThan(Date.parse(first.createdAt));

      // Back to the tab, the newest message on screen: now it is read.
      const marked = alice.page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().endsWith('/read_messages'),
      );
      await setTabHidden(alice.page, false);
      expect((await marked).status()).toBe(204);
      expect(await otherReadAt(conversationId, bob.token)).toBeGreaterThanOrEqual(Date.parse(second.createdAt));
      expect(reads).toHaveLength(1);
    } finally {
      await alice.context.close();
    }
  });

  test('When messages wait in several conversations, then the list shows each count, the title the total, and opening one names it in the title', async () => {
    const aliceName = uniqueUsername('alice');
    const [alice, carol, dave] = await Promise.all([
      apiLogin(e2e.product.url, aliceName),
      apiLogin(e2e.product.url, uniqueUsername('carol')),
      apiLogin(e2e.product.url, uniqueUsername('dave')),
    ]);
    const withCarol = await apiStart(e2e.product.url, carol.token, aliceName);
    const withDave = await apiStart(e2e.product.url, dave.token, aliceName);
    for (const text of ['c1', 'c2', 'c3']) await apiSend(e2e.product.url, carol.token, withCarol, text);
    for (const text of ['d1', 'd2']) await apiSend(e2e.product.url, dave.token, withDave, text);
    const page = await openAs(e2e.browser, e2e.product.url, alice, '/', { viewport });
    try {
      const list = page.page.getByRole('list', { name: 'Conversations' });
      const carolRow = list.locator(`[data-conversation-id="${withCarol}"]`);
      await carolRow.and(page.page.locator('[data-unread="true"]')).waitFor();
      expect(await carolRow.locator('.badge').textContent()).toContain('3');
      expect(await list.locator(`[data-conversation-id="${withDave}"] .badge`).textContent()).toContain('2');
      await page.page.waitForFunction(() => document.title === '(5) Messenger');
      // Live, too.
      await apiSend(e2e.product.url, dave.token, withDave, 'd3');
      await page.page.waitForFunction(() => document.title === '(6) Messenger');
      await carolRow.getByRole('link').click();
      await page.page.waitForFunction((name) => document.title === `(3) ${name} · Messenger`, carol.authUser.username);
    } finally {
      await page.context.close();
    }
  });

  test('When a message arrives in the open conversation, then a polite live region announces it with the sender’s name', async () => {
    const { alice, bob, conversationId } = await pairWithMessages(e2e.browser, e2e.product.url, ['Hi'], { viewport });
    try {
      await apiSend(e2e.product.url, bob.token, conversationId, 'Are you there?');
      const region = alice.page.locator('[aria-live="polite"]', { hasText: 'Are you there?' });
      await region.waitFor({ state: 'attached' });
      expect(await region.textContent()).toBe(`${bob.name}: Are you there?`);
    } finally {
      await alice.context.close();
    }
  });

  test('When notifications are turned on and the tab is hidden, then a message shows one with the sender’s name, and none while the tab is visible', async () => {
    const aliceName = uniqueUsername('alice');
    const [alice, bob] = await Promise.all([
      apiLogin(e2e.product.url, aliceName),
      apiLogin(e2e.product.url, uniqueUsername('bob')),
    ]);
    const conversationId = await apiStart(e2e.product.url, bob.token, aliceName);
    await apiSend(e2e.product.url, bob.token, conversationId, 'First');
    const page = await openAs(e2e.browser, e2e.product.url, alice, '/', {
      viewport,
      initScripts: [CONTROLLABLE_VISIBILITY, NOTIFICATION_SPY],
    });
    await page.context.grantPermissions(['notifications'], { origin: e2e.product.url });
    try {
      await page.page.getByRole('button', { name: 'Turn on notifications' }).click();
      await page.page.getByRole('button', { name: 'Turn off notifications' }).waitFor();
      const list = page.page.getByRole('list', { name: 'Conversations' });

      // Visible tab: the list shows the message, and no notification was made for it.
      await apiSend(e2e.product.url, bob.token, conversationId, 'While you look');
      await list.getByText('While you look').waitFor();
      expect(await notificationsShown(page.page)).toEqual([]);

      await setTabHidden(page.page, true);
      await apiSend(e2e.product.url, bob.token, conversationId, 'While you are away');
      await list.getByText('While you are away').waitFor();
      expect(await notificationsShown(page.page)).toEqual([
        { title: bob.authUser.username, body: 'While you are away', tag: conversationId },
      ]);
    } finally {
      await page.context.close();
    }
  });
});
