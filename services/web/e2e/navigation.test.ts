import type { Page } from 'playwright-core';
import { apiLogin, apiSend, apiStart } from './support/api-calls';
import { useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES, DESKTOP, logIn, uniqueUsername } from './support/product';
import { loaded, openAs, openFromList, pairWithMessages } from './support/scenes';

jest.setTimeout(60_000);

const e2e = useBrowserProduct();

/** What has keyboard focus: never <body> after a page change. */
function focused(page: Page) {
  return page.evaluate(() => {
    const active = document.activeElement;
    return {
      tag: active?.tagName.toLowerCase(),
      text: active?.textContent ?? '',
      conversationId: (active?.closest('[data-conversation-id]') as HTMLElement | null)?.dataset.conversationId,
    };
  });
}

describe.each(BOTH_SIZES)('Finding your way at %s size', (_, viewport) => {
  test('When someone starts a conversation and goes back, then it is in their list, marked new, before and after a reload (bug 8)', async () => {
    const bob = await apiLogin(e2e.product.url, uniqueUsername('bob'));
    const alice = await logIn(e2e.browser, e2e.product.url, uniqueUsername('alice'), { viewport });
    try {
      await alice.page.getByLabel('Start conversation').fill(bob.authUser.username);
      await alice.page.getByRole('button', { name: 'Start' }).click();
      await alice.page.getByText(`Say hi to ${bob.authUser.username}`).waitFor();
      const id = new URL(alice.page.url()).pathname.split('/').pop() ?? '';
      const row = alice.page.getByRole('list', { name: 'Conversations' }).locator(`[data-conversation-id="${id}"]`);
      await alice.page.goBack();
      await row.getByText('New', { exact: true }).waitFor();
      expect(await row.getAttribute('data-unread')).toBe('false');
      await alice.page.reload();
      await row.getByText('New', { exact: true }).waitFor();
      await row.getByText('New conversation').waitFor();
    } finally {
      await alice.context.close();
    }
  });

  test('When the conversation does not exist, then the page says so, offers the way back, and has no message box (bug 9)', async () => {
    const alice = await openAs(
      e2e.browser,
      e2e.product.url,
      await apiLogin(e2e.product.url, uniqueUsername('alice')),
      '/conversations/999999',
      { viewport },
    );
    try {
      await alice.page.getByRole('heading', { level: 1, name: 'Conversation not found' }).waitFor();
      expect(await alice.page.getByLabel('Message', { exact: true }).count()).toBe(0);
      expect(await alice.page.getByRole('button', { name: 'Send' }).count()).toBe(0);
      expect((await focused(alice.page)).text).toBe('Conversation not found');
      await alice.page.locator('.page-error').getByRole('link', { name: 'Back to conversations' }).click();
      await alice.page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
    } finally {
      await alice.context.close();
    }
  });

  test('When logging in, going back to the list and loading older messages, then focus lands somewhere useful, never on the page body (bug 10)', async () => {
    const {
      alice: seeded,
      aliceName,
      bob,
      conversationId,
    } = await pairWithMessages(
      e2e.browser,
      e2e.product.url,
      Array.from({ length: 30 }, (_, i) => `Focus ${i + 1}`),
      { viewport },
    );
    await seeded.context.close();
    const alice = await logIn(e2e.browser, e2e.product.url, aliceName, { viewport });
    try {
      // After login: the page's heading.
      expect(await focused(alice.page)).toMatchObject({ tag: 'h1', text: 'Conversations' });
      await openFromList(alice.page, bob.name);
      // Back to the list: the row of the conversation just left.
      const back = alice.page.getByRole('link', { name: 'Back to conversations' });
      if (await back.isVisible()) await back.click();
      else await alice.page.goBack();
      await alice.page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
      expect((await focused(alice.page)).conversationId).toBe(conversationId);
      // Load older messages by keyboard: when it is the last page, focus moves to the newest of the older ones.
      await alice.page.keyboard.press('Enter');
      await loaded(alice.page);
      const loadOlder = alice.page.getByRole('button', { name: 'Load older messages' });
      await loadOlder.focus();
      await alice.page.keyboard.press('Enter');
      await loadOlder.waitFor({ state: 'hidden' });
      expect(await focused(alice.page)).toMatchObject({ tag: 'li', text: expect.stringContaining('Focus 5') });
    } finally {
      await alice.context.close();
    }
  });

  test('When there is nothing to show, then the empty states say what to do: no conversations, no match, a new conversation', async () => {
    const bob = await apiLogin(e2e.product.url, uniqueUsername('bob'));
    const alice = await logIn(e2e.browser, e2e.product.url, uniqueUsername('alice'), { viewport });
    try {
      await alice.page.getByText('No conversations yet').waitFor();
      const start = alice.page.getByLabel('Start conversation');
      await start.fill('zz_nobody_at_all');
      await alice.page.getByText('No conversations with “zz_nobody_at_all”').waitFor();
      await alice.page.getByText('No one’s username starts with “zz_nobody_at_all”.').waitFor();
      await alice.page.getByRole('button', { name: 'Start' }).click();
      // Plain words, not the server's.
      await alice.page.getByText('There is no one called “zz_nobody_at_all”. Check the spelling.').waitFor();
      await start.fill(bob.authUser.username);
      await start.press('Enter');
      await alice.page.getByText(`Say hi to ${bob.authUser.username}`).waitFor();
    } finally {
      await alice.context.close();
    }
  });

  test('When the list and the conversation are loading, then skeletons stand in for them', async () => {
    const { alice: seeded, aliceName } = await pairWithMessages(e2e.browser, e2e.product.url, ['Hi'], { viewport });
    await seeded.context.close();
    const alice = await logIn(e2e.browser, e2e.product.url, aliceName, { viewport });
    try {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await alice.page.route('**/api/conversations/*/messages?**', async (route) => {
        await held;
        await route.continue();
      });
      await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().click();
      await alice.page.locator('.message-skeletons').waitFor();
      expect(await alice.page.getByRole('list', { name: 'Messages' }).getAttribute('aria-busy')).toBe('true');
      release();
      await alice.page.getByRole('list', { name: 'Messages' }).getByText('Hi').waitFor();
      expect(await alice.page.locator('.message-skeletons').count()).toBe(0);
    } finally {
      await alice.context.close();
    }
  });

  test('When the reader scrolls to the top, then older messages load above and what they were reading stays in place', async () => {
    const { alice } = await pairWithMessages(
      e2e.browser,
      e2e.product.url,
      Array.from({ length: 60 }, (_, i) => `Scroll ${i + 1}`),
      { viewport },
    );
    try {
      const messages = alice.page.getByRole('list', { name: 'Messages' });
      const scroller = alice.page.locator('.message-scroller');
      const anchor = messages.getByText('Scroll 36', { exact: true });
      await anchor.waitFor();
      const before = await anchor.evaluate((node) => node.getBoundingClientRect().top);
      const from = await scroller.evaluate((node) => node.scrollTop);
      // Near the top: the older page loads by itself.
      await scroller.evaluate((node) => (node.scrollTop = 100));
      await messages.getByText('Scroll 11', { exact: true }).waitFor({ state: 'attached' });
      // Everything on screen moved down by the reader's own scroll, and not by the page loaded above it.
      const after = await anchor.evaluate((node) => node.getBoundingClientRect().top);
      expect(Math.abs(after - (before + from - 100))).toBeLessThanOrEqual(2);
      expect(await messages.locator('.message').count()).toBe(50);
    } finally {
      await alice.context.close();
    }
  });

  test('When using only the keyboard, then one can skip to the content, log in, start a conversation and send', async () => {
    const bob = await apiLogin(e2e.product.url, uniqueUsername('bob'));
    const context = await e2e.browser.newContext({ viewport });
    const page = await context.newPage();
    try {
      await page.goto(e2e.product.url);
      await page.getByLabel('Username').waitFor();
      // The skip link comes first (just before the focused username field) and takes focus to the page's heading.
      await page.keyboard.press('Shift+Tab');
      expect((await focused(page)).text).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect((await focused(page)).text).toBe('Messenger');
      await page.keyboard.press('Tab');
      await page.keyboard.type(uniqueUsername('keys'));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
      await page.getByLabel('Start conversation').focus();
      await page.keyboard.type(bob.authUser.username);
      // As a person would, once the suggestion that names them has come.
      await page
        .locator(`#username-suggestions option[value="${bob.authUser.username}"]`)
        .waitFor({ state: 'attached' });
      await page.keyboard.press('Enter');
      await page.getByText(`Say hi to ${bob.authUser.username}`).waitFor();
      await page.getByLabel('Message', { exact: true }).focus();
      await page.keyboard.type('Typed, never clicked');
      await page.keyboard.press('Enter');
      await page.locator('.message[data-message-id]', { hasText: 'Typed, never clicked' }).waitFor();
    } finally {
      await context.close();
    }
  });
});

test('When a live event re-renders the list between pressing and releasing on a conversation, then the click still opens it', async () => {
  const { alice, aliceName, bob } = await pairWithMessages(e2e.browser, e2e.product.url, ['Hi'], { viewport: DESKTOP });
  try {
    const carol = await apiLogin(e2e.product.url, uniqueUsername('carol'));
    const withCarol = await apiStart(e2e.product.url, carol.token, aliceName);
    await apiSend(e2e.product.url, carol.token, withCarol, 'One from Carol');
    const list = alice.page.getByRole('list', { name: 'Conversations' });
    await openFromList(alice.page, carol.authUser.username);

    // Carol's row is on top (newest) and stays there; Bob's, below it, does not change.
    const bobRow = list.getByRole('link', { name: new RegExp(bob.name) });
    const box = (await bobRow.boundingBox())!;
    await alice.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await alice.page.mouse.down();
    await apiSend(e2e.product.url, carol.token, withCarol, 'Two from Carol');
    await list.getByText('Two from Carol').waitFor();
    await alice.page.mouse.up();

    await alice.page.getByRole('heading', { level: 1, name: bob.name }).waitFor();
    await loaded(alice.page);
  } finally {
    await alice.context.close();
  }
});
