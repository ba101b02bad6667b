import { inBothSchemes } from './support/axe';
import { useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES } from './support/product';
import { pairWithMessages } from './support/scenes';

// Six axe-core runs per test (three pages, two themes) take most of a minute on a busy two-core machine.
jest.setTimeout(120_000);

const e2e = useBrowserProduct();

describe.each(BOTH_SIZES)('Accessibility at %s size', (_, viewport) => {
  test('When the login, list and conversation pages are checked with axe-core in light and dark mode, then none has a serious or critical violation', async () => {
    const { alice } = await pairWithMessages(
      e2e.browser,
      e2e.product.url,
      ['Hi! Here are the docs: https://example.com/docs', 'Thanks, reading now.', 'Tell me what you think'],
      { viewport },
    );
    const { page } = alice;
    try {
      const found: Record<string, Record<'light' | 'dark', string[]>> = {};
      await page.getByRole('list', { name: 'Messages' }).getByText('https://example.com/docs').waitFor();
      found.conversation = await inBothSchemes(page);
      const back = page.getByRole('link', { name: 'Back to conversations' });
      if (await back.isVisible()) await back.click();
      else await page.goto(e2e.product.url);
      await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
      await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().waitFor();
      found['conversation list'] = await inBothSchemes(page);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('Username').waitFor();
      found.login = await inBothSchemes(page);
      const none = { light: [], dark: [] };
      expect(found).toEqual({ conversation: none, 'conversation list': none, login: none });
    } finally {
      await alice.context.close();
    }
  });
});
