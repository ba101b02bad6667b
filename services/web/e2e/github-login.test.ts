import type { Browser, Page } from 'playwright-core';
import { newGithubProfile, startFakeGithub, type FakeGithub } from '../../../test/support/messages/fake-github';
import { freePort } from '../../../test/support/infra/free-port';
import { startBrowserProduct, type BrowserProduct } from './support/browser-product';

jest.setTimeout(60_000);

let e2e: BrowserProduct | undefined;
let fake: FakeGithub | undefined;
let browser: Browser;
let publicUrl: string;

beforeAll(async () => {
  fake = await startFakeGithub();
  // GitHub sends the browser back to PUBLIC_URL, so the web service must be there: its port is chosen first.
  const webPort = await freePort();
  publicUrl = `http://127.0.0.1:${webPort}`;
  e2e = await startBrowserProduct({ ...fake.env(publicUrl), WEB_PORT: String(webPort) });
  browser = e2e.browser;
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
  await fake?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  return context.newPage();
}

/** Every URL in the tab's session history, as Chromium keeps it. */
async function historyUrls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = (await cdp.send('Page.getNavigationHistory')) as { entries: { url: string }[] };
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

describe('Sign in with GitHub in the browser', () => {
  test('When a user clicks "Sign in with GitHub" and GitHub consents, then they land logged in with their avatar, and no token is in the address bar or the history', async () => {
    // The picture is served by the web app itself: its Content-Security-Policy allows images from 'self' and https only.
    const profile = { ...newGithubProfile(), avatar_url: `${publicUrl}/favicon.svg` };
    fake!.profile = profile;
    const page = await newPage();
    await page.goto(publicUrl);

    await page.getByRole('button', { name: 'Sign in with GitHub', exact: true }).click();
    await page.getByLabel('Start conversation').waitFor();

    const me = page.locator('header .me');
    await me.getByText(profile.login, { exact: true }).waitFor();
    const picture = me.locator('img.avatar');
    expect(await picture.getAttribute('src')).toBe(profile.avatar_url);
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('header .me img.avatar');
      return !!image && image.complete && image.naturalWidth > 0;
    });

    const url = new URL(page.url());
    expect(url.pathname).toBe('/');
    expect(url.hash).toBe('');
    expect(page.url()).not.toContain('token');
    const history = await historyUrls(page);
    expect(history.length).toBeGreaterThan(0);
    for (const entry of history) expect(entry).not.toContain('token');

    // The session is stored like the development login's, so it survives a reload.
    await page.reload();
    await me.getByText(profile.login, { exact: true }).waitFor();
    await page.context().close();
  });

  test('When the user denies consent on GitHub, then the login page says so in plain words and the address bar is clean', async () => {
    fake!.deny = true;
    try {
      const page = await newPage();
      await page.goto(publicUrl);
      await page.getByRole('button', { name: 'Sign in with GitHub', exact: true }).click();
      await page.getByRole('alert').getByText('GitHub sign-in was cancelled.').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(new URL(page.url()).search).toBe('');
      // The development login is offered beside it, as the server says it is on.
      await page.getByLabel('Username').waitFor();
      await page.context().close();
    } finally {
      fake!.deny = false;
    }
  });
});
