import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { useBrowserProduct } from './support/browser-product';
import { BOTH_SIZES } from './support/product';
import { pairWithMessages } from './support/scenes';

jest.setTimeout(60_000);

const e2e = useBrowserProduct();

/** axe-core's WCAG 2.x A and AA rules; serious and critical findings fail, described well enough to fix. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')} ${node.failureSummary}`,
      ),
    );
}

const pages: [string, (page: Page) => Promise<void>][] = [
  [
    'login',
    async (page) => {
      await page.goto(`${e2e.product.url}/login`);
      await page.getByLabel('Username').waitFor();
    },
  ],
  [
    'conversation list',
    async (page) => {
      await page.goto(e2e.product.url);
      await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().waitFor();
    },
  ],
  [
    'conversation',
    async (page) => {
      await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().click();
      await page.getByRole('list', { name: 'Messages' }).getByText('https://example.com/docs').waitFor();
    },
  ],
];

describe.each(BOTH_SIZES)('Accessibility at %s size', (_, viewport) => {
  test.each(['light', 'dark'] as const)(
    'When the login, list and conversation pages are checked with axe-core in %s mode, then none has a serious or critical violation',
    async (colorScheme) => {
      const { alice } = await pairWithMessages(
        e2e.browser,
        e2e.product.url,
        ['Hi! Here are the docs: https://example.com/docs', 'Thanks, reading now.', 'Tell me what you think'],
        { viewport },
      );
      try {
        await alice.page.emulateMedia({ colorScheme });
        const found: Record<string, string[]> = {};
        // The conversation list first (logged in), then the conversation, then the login page after logging out.
        await pages[1]![1](alice.page);
        found['conversation list'] = await seriousViolations(alice.page);
        await pages[2]![1](alice.page);
        found.conversation = await seriousViolations(alice.page);
        await alice.page.evaluate(() => localStorage.clear());
        await pages[0]![1](alice.page);
        found.login = await seriousViolations(alice.page);
        expect(found).toEqual({ 'conversation list': [], conversation: [], login: [] });
      } finally {
        await alice.context.close();
      }
    },
  );
});
