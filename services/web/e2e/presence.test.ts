import { PRESENCE_WATCH_TTL_MS } from '#libs/contract';
import type { Page, Request } from 'playwright-core';
import { inBothSchemes } from './support/axe';
import { useBrowserProduct } from './support/browser-product';
import { DESKTOP, waitForConnection } from './support/product';
import { apiPair, openAs } from './support/scenes';

// Two axe-core runs on a busy two-core machine take a while.
jest.setTimeout(90_000);

const e2e = useBrowserProduct();

/** The line under the conversation's name in the header. */
const headerPresence = (page: Page) => page.locator('.conversation-header .presence-label');

/** The online dot on the avatar of `name`'s row in the list (an image named "online"). */
const onlineDot = (page: Page, name: string) =>
  page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('listitem')
    .filter({ hasText: name })
    .getByRole('img', { name: 'online' });

describe('Presence in the conversation header and the list', () => {
  test('When Alice opens a tab while Bob has their conversation open, then his header says "Online" and her avatar has the online dot; when she closes it, then "last seen" and no dot', async () => {
    const { alice, bob, conversationId } = await apiPair(e2e.product.url, 'Hi Bob');
    const aliceName = alice.authUser.username;
    const bobPage = await openAs(e2e.browser, e2e.product.url, bob, `/conversations/${conversationId}`, {
      viewport: DESKTOP,
    });
    try {
      // Alice has never had a tab open: nothing to say yet.
      expect(await headerPresence(bobPage.page).isVisible()).toBe(false);

      // She comes online while Bob watches: a live `presence` event tells his page.
      const alicePage = await openAs(e2e.browser, e2e.product.url, alice, '/', { viewport: DESKTOP });
      await headerPresence(bobPage.page)
        .filter({ hasText: /^Online$/ })
        .waitFor();
      await onlineDot(bobPage.page, aliceName).waitFor();
      // The dot says "online" in text too, and the page keeps passing axe-core with it and the header line.
      expect(await inBothSchemes(bobPage.page)).toEqual({ light: [], dark: [] });

      await alicePage.context.close();
      await headerPresence(bobPage.page)
        .filter({ hasText: /^last seen just now$/ })
        .waitFor();
      await onlineDot(bobPage.page, aliceName).waitFor({ state: 'detached' });
      const seenAt = await headerPresence(bobPage.page).locator('time').getAttribute('datetime');
      expect(Math.abs(Date.now() - Date.parse(seenAt ?? ''))).toBeLessThan(60_000);
    } finally {
      await bobPage.context.close();
    }
  });

  test('When Bob opens the conversation while Alice has a tab open, then his header says "Online" from the start, and her avatar in his list has the dot', async () => {
    const { alice, bob, conversationId } = await apiPair(e2e.product.url, 'Hi Bob');
    const alicePage = await openAs(e2e.browser, e2e.product.url, alice, '/', { viewport: DESKTOP });
    try {
      const bobPage = await openAs(e2e.browser, e2e.product.url, bob, `/conversations/${conversationId}`, {
        viewport: DESKTOP,
      });
      try {
        await headerPresence(bobPage.page)
          .filter({ hasText: /^Online$/ })
          .waitFor();
        await onlineDot(bobPage.page, alice.authUser.username).waitFor();
      } finally {
        await bobPage.context.close();
      }
    } finally {
      await alicePage.context.close();
    }
  });

  test('When Alice closes her tab while Bob is offline, then his page asks the watch again once his stream is back, and his header says "last seen" at once, not at the next renewal', async () => {
    const { alice, bob, conversationId } = await apiPair(e2e.product.url, 'Hi Bob');
    const alicePage = await openAs(e2e.browser, e2e.product.url, alice, '/', { viewport: DESKTOP });
    const bobPage = await openAs(e2e.browser, e2e.product.url, bob, `/conversations/${conversationId}`, {
      viewport: DESKTOP,
    });
    try {
      await headerPresence(bobPage.page)
        .filter({ hasText: /^Online$/ })
        .waitFor();
      const watches: Request[] = [];
      bobPage.page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/watch')) watches.push(request);
      });

      // Bob's stream is closed while Alice goes offline: the `presence` event has no stream of his to reach,
      // and presence events are never replayed.
      await bobPage.context.setOffline(true);
      await waitForConnection(bobPage.page, 'reconnecting');
      await alicePage.context.close();
      await bobPage.context.setOffline(false);
      await waitForConnection(bobPage.page, 'connected');

      // Well before the watch's next renewal (every PRESENCE_WATCH_TTL_MS / 2): the reconnect asked again.
      await headerPresence(bobPage.page)
        .filter({ hasText: /^last seen/ })
        .waitFor({ timeout: PRESENCE_WATCH_TTL_MS / 4 });
      expect(watches.length).toBeGreaterThanOrEqual(1);
    } finally {
      await bobPage.context.close();
      await alicePage.context.close();
    }
  });
});
