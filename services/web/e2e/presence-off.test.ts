import type { Response } from 'playwright-core';
import { useBrowserProduct } from './support/browser-product';
import { DESKTOP } from './support/product';
import { apiPair, openAs } from './support/scenes';

jest.setTimeout(60_000);

// The whole product with presence off: a file of its own, since the setting is the services'.
const e2e = useBrowserProduct({ PRESENCE: 'off' });

const isWatch = (response: Response) =>
  response.request().method() === 'POST' && /\/api\/conversations\/\d+\/watch$/.test(new URL(response.url()).pathname);

describe('Presence turned off on the server', () => {
  test('When PRESENCE=off and Alice has a tab open, then Bob sees neither "Online" nor "last seen" nor a dot, and the watch answers 404 presence_off', async () => {
    const { alice, bob } = await apiPair(e2e.product.url, 'Hi Bob');
    const alicePage = await openAs(e2e.browser, e2e.product.url, alice, '/', { viewport: DESKTOP });
    try {
      const bobPage = await openAs(e2e.browser, e2e.product.url, bob, '/', { viewport: DESKTOP });
      try {
        const watched = bobPage.page.waitForResponse(isWatch);
        await bobPage.page
          .getByRole('list', { name: 'Conversations' })
          .getByRole('link', { name: new RegExp(alice.authUser.username) })
          .click();
        const answer = await watched;
        expect(answer.status()).toBe(404);
        expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('presence_off');
        await bobPage.page.getByRole('list', { name: 'Messages' }).getByText('Hi Bob').waitFor();
        expect(await bobPage.page.locator('.conversation-header .presence-label').isVisible()).toBe(false);
        expect(await bobPage.page.getByText(/Online|last seen/).count()).toBe(0);
        expect(await bobPage.page.getByRole('img', { name: 'online' }).count()).toBe(0);
      } finally {
        await bobPage.context.close();
      }
    } finally {
      await alicePage.context.close();
    }
  });
});
