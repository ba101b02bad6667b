import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Config } from '#libs/config';
import type { RunningService } from '#libs/service';
import { start as startMessages } from '../../../messages/src/server';
import { start as startStream } from '../../../stream/src/server';
import { start as startWeb } from '../../src/server';
import { testConfig } from '../../../../test/support/product/test-config';

/**
 * The whole product in this process, as a browser sees it: messages, stream and web
 * on free ports against the real PostgreSQL and Redis, the frontend built by Vite
 * into a directory of this test file's own (test files run in parallel), and Debian's
 * Chromium driven by playwright-core.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Headless Chromium in a container: no sandbox (it needs user namespaces), no GPU, no background traffic.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function buildFrontend(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'messenger-web-e2e-'));
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(
    process.execPath,
    [vite, 'build', '--config', 'services/web/vite.config.mts', '--outDir', dir, '--emptyOutDir'],
    {
      cwd: ROOT,
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    },
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Product {
  /** The one URL a browser opens. */
  url: string;
  stopStream(): Promise<void>;
  /** Starts the stream service again on the port it had. */
  startStreamAgain(): Promise<void>;
  stop(): Promise<void>;
}

/** `env` overrides settings, e.g. REDIS_URL for a private Redis or a short STREAM_TOKEN_TTL_SECONDS. */
export async function startProduct(staticDir: string, env: Record<string, string> = {}): Promise<Product> {
  const config = testConfig(env);
  const messages = await startMessages(config);
  let stream: RunningService | undefined = await startStream(config);
  const streamPort = Number(new URL(stream.url).port);
  const web = await startWeb(
    { ...config, web: { ...config.web, messagesUrl: messages.url, streamUrl: stream.url } },
    { staticDir },
  );
  const streamConfig: Config = { ...config, stream: { ...config.stream, port: streamPort } };

  return {
    url: web.url,
    async stopStream() {
      await stream?.stop();
      stream = undefined;
    },
    async startStreamAgain() {
      stream = await startStream(streamConfig);
    },
    async stop() {
      await web.stop();
      await Promise.allSettled([stream?.stop(), messages.stop()]);
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A username no other test (or earlier run) has: letters, digits and "_" only. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Every dialog the page tried to open (alert(), confirm()...): an XSS would show here. */
  dialogs: string[];
}

/** The two sizes every behaviour is checked at: a laptop and a phone. */
export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };
export type Viewport = { width: number; height: number };
/** For `describe.each`: every behaviour at both sizes. */
export const BOTH_SIZES: [string, Viewport][] = [
  ['desktop', DESKTOP],
  ['mobile', MOBILE],
];

export interface ContextOptions {
  viewport?: Viewport;
  /** The browser's locale and time zone (defaults: the machine's). */
  locale?: string;
  timezoneId?: string;
  /** Scripts that run in every page of the context before the app (test hooks, spies). */
  initScripts?: string[];
}

export function newContext(browser: Browser, options: ContextOptions): Promise<BrowserContext> {
  const { viewport = DESKTOP, locale, timezoneId } = options;
  return browser.newContext({ viewport, locale, timezoneId });
}

/** A fresh browser context (its own localStorage) logged in as `username` on the home page. */
export async function logIn(
  browser: Browser,
  url: string,
  username: string,
  options: ContextOptions = {},
): Promise<UserPage> {
  const context = await newContext(browser, options);
  for (const script of options.initScripts ?? []) await context.addInitScript(script);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Start conversation').waitFor();
  await waitForConnection(page, 'connected');
  return { context, page, dialogs };
}

/** The session token of a logged-in page, for API calls on its user's behalf. */
export function sessionToken(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('messenger.session') ?? '{}').token as string);
}

export async function waitForConnection(
  page: Page,
  state: 'connected' | 'reconnecting',
  timeout = 15_000,
): Promise<void> {
  // Attached, not visible: while connected, the status is for screen readers only.
  await page.locator(`.connection[data-state="${state}"]`).waitFor({ state: 'attached', timeout });
}
