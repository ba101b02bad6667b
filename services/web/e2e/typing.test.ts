import { TYPING_DISPLAY_MS } from '#libs/contract';
import type { Page, Request } from 'playwright-core';
import { confirmedMessage, useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES, type UserPage, type Viewport } from './support/product';
import { apiPair, openAs } from './support/scenes';

jest.setTimeout(60_000);

const e2e = useBrowserProduct();

const isTypingNotice = (request: Request) =>
  request.method() === 'POST' && /\/api\/conversations\/\d+\/typing$/.test(new URL(request.url()).pathname);

/** Alice and Bob, each in a browser of their own, both on their conversation. */
async function bothOnConversation(viewport: Viewport) {
  const { alice, bob, conversationId } = await apiPair(e2e.product.url, 'Hi Bob');
  const path = `/conversations/${conversationId}`;
  const [alicePage, bobPage] = await Promise.all([
    openAs(e2e.browser, e2e.product.url, alice, path, { viewport }),
    openAs(e2e.browser, e2e.product.url, bob, path, { viewport }),
  ]);
  return { alice: alicePage, aliceName: alice.authUser.username, bob: bobPage };
}

/** "… is typing…" under the open conversation (the list's preview says it too, on wide screens). */
const typingInConversation = (page: Page, name: string) => page.getByRole('main').getByText(`${name} is typing…`);

async function closeAll(...pages: UserPage[]) {
  await Promise.all(pages.map((page) => page.context.close()));
}

describe.each(BOTH_SIZES)('Typing at %s size', (size, viewport) => {
  test('When Alice types, then Bob sees "alice is typing…" under the conversation, it disappears the moment her message arrives, and her own page never shows it', async () => {
    const { alice, aliceName, bob } = await bothOnConversation(viewport);
    try {
      const notices: Request[] = [];
      alice.page.on('request', (request) => {
        if (isTypingNotice(request)) notices.push(request);
      });
      await alice.page.getByLabel('Message', { exact: true }).pressSequentially('On my way', { delay: 20 });

      const indicator = typingInConversation(bob.page, aliceName);
      await indicator.waitFor();
      // A polite live region, so a screen reader hears it once and is not interrupted.
      expect(await indicator.getAttribute('aria-live')).toBe('polite');
      if (size === 'desktop') {
        const row = bob.page.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
        await row.getByText(`${aliceName} is typing…`).waitFor();
      }
      expect(await alice.page.getByText('is typing…').count()).toBe(0);
      // Nine keystrokes well within one interval: one notice.
      expect(notices).toHaveLength(1);

      await alice.page.getByLabel('Message', { exact: true }).press('Enter');
      await confirmedMessage(bob.page, 'On my way').waitFor();
      // At once, not TYPING_DISPLAY_MS after the notice: the message ended it.
      expect(await bob.page.getByText(`${aliceName} is typing…`).count()).toBe(0);
      // Sending is not typing: no notice followed it.
      await confirmedMessage(alice.page, 'On my way').waitFor();
      expect(notices).toHaveLength(1);
    } finally {
      await closeAll(alice, bob);
    }
  });

  test('When Alice stops typing without sending, then "alice is typing…" goes by itself after TYPING_DISPLAY_MS', async () => {
    const { alice, aliceName, bob } = await bothOnConversation(viewport);
    try {
      await alice.page.getByLabel('Message', { exact: true }).pressSequentially('Hm', { delay: 20 });
      const indicator = typingInConversation(bob.page, aliceName);
      await indicator.waitFor();
      const shownAt = Date.now();
      await indicator.waitFor({ state: 'detached', timeout: TYPING_DISPLAY_MS + 5_000 });
      // Not earlier than the display time after the notice (less the notice's own trip to Bob).
      expect(Date.now() - shownAt).toBeGreaterThan(TYPING_DISPLAY_MS - 1_500);
    } finally {
      await closeAll(alice, bob);
    }
  });
});
