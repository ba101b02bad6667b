import type { Request } from 'playwright-core';
import { useBrowserProduct } from './support/browser-product';
import { logIn, uniqueUsername, waitForConnection } from './support/product';

jest.setTimeout(60_000);

// One stream per instance: a second tab is refused with 503 and a Retry-After of 2–6 s,
// which its EventSource cannot read; the page learns it with HEAD and waits that long.
const e2e = useBrowserProduct({ STREAM_MAX_CONNECTIONS: '1' });

test('When the stream service refuses a tab for its connection limit, then the page asks HEAD for Retry-After, waits that long, and connects once a slot is free', async () => {
  const first = await logIn(e2e.browser, e2e.product.url, uniqueUsername('alice'));
  const streamRequests: { method: string; at: number }[] = [];
  const second = await first.context.newPage();
  second.on('request', (request: Request) => {
    if (new URL(request.url()).pathname === '/api/messages') {
      streamRequests.push({ method: request.method(), at: Date.now() });
    }
  });
  await second.goto(e2e.product.url);
  await waitForConnection(second, 'reconnecting');
  await second.waitForRequest((request) => request.method() === 'HEAD' && request.url().includes('/api/messages'));

  await first.page.close();
  await waitForConnection(second, 'connected', 20_000);

  const gets = streamRequests.filter((request) => request.method === 'GET');
  const heads = streamRequests.filter((request) => request.method === 'HEAD');
  expect(heads.length).toBeGreaterThan(0);
  expect(gets.length).toBeGreaterThanOrEqual(2);
  // Without the Retry-After the first reopen would follow within 0.75 s (the backoff's first step).
  expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(2000);
  await first.context.close();
});
