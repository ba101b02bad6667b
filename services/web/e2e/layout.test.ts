import type { Page } from 'playwright-core';
import { apiCall } from './support/api-calls';
import { useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES, DESKTOP, logIn, MOBILE, uniqueUsername } from './support/product';
import { avatarColour } from '../src/client/components/avatar';
import { insertMessagesAt } from '../../../test/support/messages/messages-fixtures';
import { useTestDatabase } from '../../../test/support/messages/messages-app';
import { apiLogin, apiSend, apiStart } from './support/api-calls';
import { openAs, pairWithMessages } from './support/scenes';

jest.setTimeout(60_000);

const e2e = useBrowserProduct();
const db = useTestDatabase();

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `Message number ${i + 1}`);

function box(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((node) => {
      const { top, bottom, left, right, width, height } = node.getBoundingClientRect();
      return { top, bottom, left, right, width, height };
    });
}

function documentSize(page: Page) {
  return page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    scrollTop: document.scrollingElement?.scrollTop ?? 0,
    innerHeight,
    innerWidth,
  }));
}

describe.each(BOTH_SIZES)('Layout at %s size', (_, viewport) => {
  test('When the reader wheels past the bottom of a long conversation, then the page does not scroll into blank space (bug 1)', async () => {
    const { alice } = await pairWithMessages(e2e.browser, e2e.product.url, numbered(30), { viewport });
    try {
      await alice.page.getByRole('list', { name: 'Messages' }).getByText('Message number 30').waitFor();
      await alice.page.mouse.move(viewport.width / 2, viewport.height / 2);
      for (let i = 0; i < 5; i += 1) await alice.page.mouse.wheel(0, 1500);
      const size = await documentSize(alice.page);
      // The hidden "You:" labels once stretched the document to 1,806 px in an 800 px window.
      expect(size.scrollHeight).toBeLessThanOrEqual(size.innerHeight);
      expect(size.scrollTop).toBe(0);
    } finally {
      await alice.context.close();
    }
  });

  test('When the username is 39 characters, then the header fits the screen and "Log out" is reachable on one line (bug 2)', async () => {
    const longName = `${'u'.repeat(27)}_${uniqueUsername('x').slice(2)}`.slice(0, 39);
    const user = await logIn(e2e.browser, e2e.product.url, longName, { viewport });
    try {
      const header = await box(user.page, '.sidebar-header');
      const logout = user.page.getByRole('button', { name: 'Log out' });
      const logoutBox = await logout.evaluate((node) => node.getBoundingClientRect().toJSON() as DOMRect);
      const lineHeight = await logout.evaluate((node) => parseFloat(getComputedStyle(node).lineHeight));
      expect(header.width).toBeLessThanOrEqual(viewport.width);
      expect(logoutBox.right).toBeLessThanOrEqual(viewport.width);
      // One line: the text's height is one line height (plus padding and border).
      expect(logoutBox.height).toBeLessThan(lineHeight * 2);
      const size = await documentSize(user.page);
      expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
      await logout.click();
      await user.page.getByLabel('Username').waitFor();
    } finally {
      await user.context.close();
    }
  });

  test('When a conversation is open, then the whole composer is on screen, also while it grows (bug 3)', async () => {
    const { alice } = await pairWithMessages(e2e.browser, e2e.product.url, numbered(3), { viewport });
    try {
      const field = alice.page.getByLabel('Message', { exact: true });
      const before = await field.evaluate((node) => node.getBoundingClientRect().toJSON() as DOMRect);
      expect(before.bottom).toBeLessThanOrEqual(viewport.height);
      expect((await box(alice.page, '.composer')).bottom).toBeLessThanOrEqual(viewport.height);
      await field.fill('one\ntwo\nthree\nfour\nfive');
      const grown = await field.evaluate((node) => node.getBoundingClientRect().toJSON() as DOMRect);
      expect(grown.height).toBeGreaterThan(before.height);
      expect((await box(alice.page, '.composer')).bottom).toBeLessThanOrEqual(viewport.height);
      expect(grown.bottom).toBeLessThanOrEqual(viewport.height);
    } finally {
      await alice.context.close();
    }
  });

  test('When the other participant has read my last message, then "Seen" shows inside the visible message list (bug 4)', async () => {
    const { alice, bob, conversationId } = await pairWithMessages(e2e.browser, e2e.product.url, numbered(30), {
      viewport,
    });
    try {
      await alice.page.getByLabel('Message', { exact: true }).fill('Did you see this?');
      await alice.page.getByLabel('Message', { exact: true }).press('Enter');
      await alice.page.locator('.message[data-message-id]', { hasText: 'Did you see this?' }).waitFor();
      await apiCall(e2e.product.url, 'POST', `/api/conversations/${conversationId}/read_messages`, bob.token);
      await alice.page.getByText('Seen', { exact: true }).waitFor();
      const seen = await box(alice.page, '.seen');
      const list = await box(alice.page, '.message-scroller');
      expect(seen.bottom).toBeLessThanOrEqual(list.bottom);
      expect(seen.top).toBeGreaterThanOrEqual(list.top);
    } finally {
      await alice.context.close();
    }
  });

  test('When a short conversation is open, then it sits just above the composer, not at the top of a void', async () => {
    const { alice } = await pairWithMessages(e2e.browser, e2e.product.url, ['Hi', 'Hello'], { viewport });
    try {
      await alice.page.getByRole('list', { name: 'Messages' }).getByText('Hello').waitFor();
      const last = await box(alice.page, '.message:last-child');
      const composer = await box(alice.page, '.composer');
      expect(composer.top - last.bottom).toBeLessThan(48);
    } finally {
      await alice.context.close();
    }
  });
});

test('When the screen is wide, then the list and the open conversation are side by side', async () => {
  const { alice } = await pairWithMessages(e2e.browser, e2e.product.url, ['Side by side'], {
    viewport: DESKTOP,
  });
  try {
    await alice.page.getByRole('list', { name: 'Messages' }).getByText('Side by side').waitFor();
    const list = await box(alice.page, '.sidebar');
    const pane = await box(alice.page, '.pane');
    expect(list.right).toBeLessThanOrEqual(pane.left + 1);
    expect(await alice.page.getByRole('list', { name: 'Conversations' }).isVisible()).toBe(true);
    expect(await alice.page.getByRole('link', { name: 'Back to conversations' }).isVisible()).toBe(false);
  } finally {
    await alice.context.close();
  }
});

test('When the screen is narrow, then one pane shows at a time, with a back button to the list', async () => {
  const { alice, bob } = await pairWithMessages(e2e.browser, e2e.product.url, ['One pane'], { viewport: MOBILE });
  try {
    const conversations = alice.page.getByRole('list', { name: 'Conversations' });
    await alice.page.getByRole('list', { name: 'Messages' }).getByText('One pane').waitFor();
    expect(await conversations.isVisible()).toBe(false);
    await alice.page.getByRole('link', { name: 'Back to conversations' }).click();
    await conversations.getByRole('link', { name: new RegExp(bob.name) }).waitFor();
    expect(await alice.page.getByRole('list', { name: 'Messages' }).count()).toBe(0);
  } finally {
    await alice.context.close();
  }
});

test('When the screen is 320 px wide, then no page overflows sideways', async () => {
  const longName = `${'w'.repeat(27)}_${uniqueUsername('x').slice(2)}`.slice(0, 39);
  const { alice } = await pairWithMessages(
    e2e.browser,
    e2e.product.url,
    [`${'long'.repeat(40)} https://example.com/${'path/'.repeat(20)}`],
    { viewport: { width: 320, height: 640 } },
  );
  try {
    const size = await documentSize(alice.page);
    expect(size.scrollWidth).toBeLessThanOrEqual(320);
    const bubble = await box(alice.page, '.message');
    expect(bubble.right).toBeLessThanOrEqual(320);
    const fresh = await logIn(e2e.browser, e2e.product.url, longName, { viewport: { width: 320, height: 640 } });
    try {
      expect((await documentSize(fresh.page)).scrollWidth).toBeLessThanOrEqual(320);
      await fresh.page.getByRole('button', { name: 'Log out' }).click();
      await fresh.page.getByLabel('Username').waitFor();
      expect((await documentSize(fresh.page)).scrollWidth).toBeLessThanOrEqual(320);
    } finally {
      await fresh.context.close();
    }
  } finally {
    await alice.context.close();
  }
});

describe.each(BOTH_SIZES)('Messages at %s size', (_, viewport) => {
  test('When messages span days and senders, then days are separated ("Today", "Yesterday", a date), one sender’s run is grouped, times follow the locale and avatars the user’s colour', async () => {
    const aliceName = uniqueUsername('alice');
    const [alice, bob] = await Promise.all([
      apiLogin(e2e.product.url, aliceName),
      apiLogin(e2e.product.url, uniqueUsername('bob')),
    ]);
    const conversationId = await apiStart(e2e.product.url, bob.token, aliceName);
    const day = 86_400_000;
    const yesterday = new Date(Date.now() - day);
    const at = (base: Date, hours: number, minutes: number) =>
      new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), hours, minutes));
    await insertMessagesAt(db, conversationId, [
      { userId: bob.authUser.id, content: 'Two days ago', createdAt: at(new Date(Date.now() - 2 * day), 9, 0) },
      { userId: bob.authUser.id, content: 'Yesterday, first', createdAt: at(yesterday, 15, 5) },
      { userId: bob.authUser.id, content: 'Yesterday, grouped', createdAt: at(yesterday, 15, 6) },
      { userId: alice.authUser.id, content: 'Mine, yesterday', createdAt: at(yesterday, 15, 7) },
    ]);
    await apiSend(e2e.product.url, bob.token, conversationId, 'Today, just now');

    for (const [locale, expected] of [
      // 24 h in Britain, 12 h in the US (its space before PM may be a narrow no-break one).
      ['en-GB', /^15:05$/],
      ['en-US', /^3:05\sPM$/],
    ] as const) {
      const user = await openAs(e2e.browser, e2e.product.url, alice, `/conversations/${conversationId}`, {
        viewport,
        locale,
        timezoneId: 'UTC',
      });
      try {
        const messages = user.page.getByRole('list', { name: 'Messages' });
        await messages.getByText('Today, just now').waitFor();
        const days = await messages.locator('.day-label').allTextContents();
        expect(days).toHaveLength(3);
        expect(days.slice(1)).toEqual(['Yesterday', 'Today']);
        const item = (text: string) => messages.locator('.message', { hasText: text });
        expect(await item('Yesterday, first').locator('time').textContent()).toMatch(expected);
        expect(await item('Today, just now').locator('time').textContent()).toBe('now');
        const grouped = await Promise.all(
          ['Yesterday, first', 'Yesterday, grouped', 'Mine, yesterday'].map((text) =>
            item(text).evaluate((node) => node.classList.contains('continued')),
          ),
        );
        expect(grouped).toEqual([false, true, false]);
        const colour = await item('Yesterday, first')
          .locator('.avatar')
          .evaluate((node) => getComputedStyle(node).backgroundColor);
        const hex = avatarColour(bob.authUser.id);
        const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        expect(colour).toBe(`rgb(${rgb.join(', ')})`);
      } finally {
        await user.context.close();
      }
    }
  });
});
