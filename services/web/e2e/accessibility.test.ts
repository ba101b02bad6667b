import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES } from './support/product';
import { pairWithMessages } from './support/scenes';

// Six axe-core runs per test (three pages, two themes) take most of a minute on a busy two-core machine.
jest.setTimeout(120_000);

const e2e = useBrowserProduct();

/** axe-core's WCAG 2.x A and AA rules; serious and critical findings fail, described well enough to fix. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')} ${node.failureSummary}`,
      ),
    );
}

/** The page as it is now, in both colour schemes. */
async function inBothSchemes(page: Page): Promise<Record<'light' | 'dark', string[]>> {
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await seriousViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await seriousViolations(page);
  return { light, dark };
}

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
