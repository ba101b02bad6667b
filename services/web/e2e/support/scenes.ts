import type { Browser, Page } from 'playwright-core';
import { apiLogin, apiSend, apiStart, type LoginAnswer } from './api-calls';
import { newContext, uniqueUsername, waitForConnection, type ContextOptions, type UserPage } from './product';

export interface Pair {
  /** Alice in a browser, logged in on the home page. */
  alice: UserPage;
  aliceName: string;
  /** Bob through the API only. */
  bob: { name: string; token: string };
  conversationId: string;
}

/**
 * Alice (in a browser) and Bob (API only) with a conversation that already holds
 * `messages` (Bob's and Alice's in turn, Bob first), made over the API so a test starts
 * where it needs to be.
 */
export async function pairWithMessages(
  browser: Browser,
  url: string,
  messages: string[],
  options: ContextOptions = {},
): Promise<Pair> {
  const aliceName = uniqueUsername('alice');
  const bobName = uniqueUsername('bob');
  const [aliceApi, bob] = await Promise.all([apiLogin(url, aliceName), apiLogin(url, bobName)]);
  const conversationId = await apiStart(url, bob.token, aliceName);
  for (const [i, content] of messages.entries()) {
    await apiSend(url, i % 2 === 0 ? bob.token : aliceApi.token, conversationId, content);
  }
  const alice = await openAs(browser, url, aliceApi, `/conversations/${conversationId}`, options);
  return { alice, aliceName, bob: { name: bobName, token: bob.token }, conversationId };
}

/** Alice and Bob made over the API, with a conversation holding `first` from Alice; neither has a browser yet. */
export async function apiPair(
  url: string,
  first: string,
): Promise<{ alice: LoginAnswer; bob: LoginAnswer; conversationId: string }> {
  const [alice, bob] = await Promise.all([
    apiLogin(url, uniqueUsername('alice')),
    apiLogin(url, uniqueUsername('bob')),
  ]);
  const conversationId = await apiStart(url, alice.token, bob.authUser.username);
  await apiSend(url, alice.token, conversationId, first);
  return { alice, bob, conversationId };
}

/**
 * A browser context already logged in as an API-made user (its session put where the
 * app keeps it), opened at `path`: faster than typing into the login page, for tests
 * about what comes after it. Waits until the page has loaded what it shows.
 */
export async function openAs(
  browser: Browser,
  url: string,
  user: LoginAnswer,
  path: string,
  options: ContextOptions = {},
): Promise<UserPage> {
  const session = JSON.stringify({ token: user.token, expiresAt: user.expiresAt, user: user.authUser });
  const initScripts = [
    `if (!sessionStorage.getItem('e2e.seeded')) { sessionStorage.setItem('e2e.seeded', '1'); localStorage.setItem('messenger.session', ${JSON.stringify(session)}); }`,
    ...(options.initScripts ?? []),
  ];
  const context = await newContext(browser, options);
  for (const script of initScripts) await context.addInitScript(script);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  watchProblems(page);
  await page.goto(url + path);
  await waitForConnection(page, 'connected');
  if (path.startsWith('/conversations/')) await loaded(page);
  return { context, page, dialogs };
}

const problems = new WeakMap<Page, string[]>();

/** Remembers what went wrong in the page (script errors, failed or 5xx requests), to explain a timeout. */
function watchProblems(page: Page) {
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(`script error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 500) seen.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // The event stream is cut on purpose by some tests and on every page change.
    if (!new URL(request.url()).pathname.startsWith('/api/messages')) {
      seen.push(`failed ${request.url()}: ${request.failure()?.errorText}`);
    }
  });
}

/**
 * The open conversation has loaded (its list is no longer busy) or said why not; an
 * error state or a timeout fails with what the page showed and what went wrong in it.
 */
export async function loaded(page: Page): Promise<void> {
  // An error state; "not found" is an answer, not an error.
  const error = page.locator('.page-error:not(.not-found):not(:empty)');
  try {
    await page
      .locator('ol.messages:not([aria-busy])')
      .or(page.getByText('Conversation not found'))
      .or(error)
      .first()
      .waitFor({ state: 'attached' });
    if (!(await error.count())) return;
  } catch (caught) {
    if (!(caught instanceof Error) || caught.name !== 'TimeoutError') throw caught;
  }
  const shown = (await error.count()) ? await error.first().textContent() : 'nothing';
  throw new Error(
    `The conversation did not load at ${page.url()}: the page shows ${shown}; ` +
      `problems seen: ${JSON.stringify(problems.get(page) ?? [])}`,
  );
}

/** Opens a conversation by its address (a full page load) and waits until it has loaded. */
export async function openById({ page }: UserPage, url: string, conversationId: string): Promise<void> {
  await page.goto(`${url}/conversations/${conversationId}`);
  await loaded(page);
}

/** Opens a conversation from the list, as a person would: on a phone, Back to the list first. */
export async function openFromList(page: Page, username: string): Promise<void> {
  const back = page.getByRole('link', { name: 'Back to conversations' });
  if (await back.isVisible()) await back.click();
  await page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('link', { name: new RegExp(username) })
    .click();
  await page.getByRole('heading', { level: 1, name: username }).waitFor();
  await loaded(page);
}
