import type { Browser, Locator, Page } from 'playwright-core';
import { buildFrontend, launchChromium, startProduct, type Product, type UserPage } from './product';

/** The product with its frontend built, and a Chromium: what every e2e file starts first. */
export interface BrowserProduct {
  product: Product;
  browser: Browser;
  /** Closes the browser, stops the product and removes the built frontend. */
  stop(): Promise<void>;
}

export async function startBrowserProduct(env: Record<string, string> = {}): Promise<BrowserProduct> {
  const frontend = await buildFrontend();
  let product: Product | undefined;
  try {
    product = await startProduct(frontend.dir, env);
    const browser = await launchChromium();
    const started = product;
    return {
      product,
      browser,
      async stop() {
        await browser.close();
        await started.stop();
        await frontend.remove();
      },
    };
  } catch (error) {
    // Half started: undo what did start, so the file's afterAll has nothing left to leak.
    await product?.stop();
    await frontend.remove();
    throw error;
  }
}

/**
 * The product and a browser for the whole test file: started before its first test,
 * stopped after its last. Tests share the browser, never state: each makes its own
 * users and browser contexts.
 */
export function useBrowserProduct(env: Record<string, string> = {}): BrowserProduct {
  const shared = {} as BrowserProduct;
  beforeAll(async () => {
    Object.assign(shared, await startBrowserProduct(env));
  }, 90_000);
  afterAll(() => shared.stop?.());
  return shared;
}

/** Sends `text` from the open conversation and waits until the server confirmed it (not only shown as sending). */
export async function send({ page }: UserPage, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await confirmedMessage(page, text).waitFor();
}

/** A message in the open conversation that the server has stored (it has an id). */
export function confirmedMessage(page: Page, text: string): Locator {
  return page
    .getByRole('list', { name: 'Messages' })
    .locator('.message[data-message-id]')
    .filter({ has: page.getByText(text, { exact: true }) });
}

/** `from` starts a conversation with `toName` and sends `first`; `to` opens it and sees that message. */
export async function openConversation(from: UserPage, to: UserPage, toName: string, first: string): Promise<void> {
  await from.page.getByLabel('Start conversation').fill(toName);
  await from.page.getByRole('button', { name: 'Start' }).click();
  await from.page.waitForURL(/\/conversations\/\d+$/);
  await send(from, first);
  await to.page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().click();
  await to.page.getByRole('list', { name: 'Messages' }).getByText(first).waitFor();
}
