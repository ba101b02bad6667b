import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Config } from '#libs/config';
import type { RunningService } from '#libs/service';
import { start as startMessages } from '../../messages/src/server';
import { start as startStream, type StreamServer } from '../../stream/src/server';
import { start as startWeb } from '../src/server';
import {
  createApiClient,
  loginUser,
  sendMessage,
  startConversation,
  type ApiClient,
} from '../../../test/support/messages/messages-client';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';
import { testConfig } from '../../../test/support/product/test-config';
import { freePort } from '../../../test/support/infra/private-redis';
import { scrapeMetrics, type Scrape } from '../../../test/support/http/prometheus-scrape';

// The web service is the browser's one origin: static files plus a reverse proxy to
// the real messages and stream services (real PostgreSQL and Redis behind them).
let staticDir: string;
let config: Config;
let messages: RunningService;
let stream: StreamServer;
let web: RunningService & { metricsUrl: string };
let api: ApiClient;

beforeAll(async () => {
  staticDir = await mkdtemp(path.join(os.tmpdir(), 'messenger-web-static-'));
  await mkdir(path.join(staticDir, 'assets'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Messenger</title>');
  await writeFile(path.join(staticDir, 'assets', 'index-abc123.js'), 'console.log("app")');
  config = testConfig();
  messages = await startMessages(config);
  stream = await startStream(config);
  web = await startWeb(
    { ...config, web: { ...config.web, messagesUrl: messages.url, streamUrl: stream.url } },
    { staticDir },
  );
  api = createApiClient(web.url);
});

afterAll(async () => {
  await web?.stop();
  await Promise.allSettled([stream?.stop(), messages?.stop()]);
  await rm(staticDir, { recursive: true, force: true });
});

describe('Static files', () => {
  test('When the app or one of its routes is requested, then index.html is served, revalidated on every load, with a strict CSP', async () => {
    for (const route of ['/', '/login', '/conversations/42']) {
      const response = await fetch(web.url + route);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<title>Messenger</title>');
    }
  });

  test('When a hashed asset is requested, then it is cached for a year; a missing asset is 404, not the app', async () => {
    const asset = await fetch(`${web.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${web.url}/assets/gone.js`)).status).toBe(404);
  });

  test('When a path tries to leave the build directory, then nothing outside it is served', async () => {
    for (const attempt of [
      '/../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/assets/%00.js',
    ]) {
      const body = await rawGet(attempt);
      expect(body.text).not.toContain('"name"');
      expect([200, 400, 404]).toContain(body.status);
    }
  });

  test('When something other than GET or HEAD is sent to a page, then it is refused with 405 and a JSON error', async () => {
    const response = await fetch(`${web.url}/conversations/1`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.any(String) } });
  });

  test('When /healthz is asked, then the web service answers 200 itself', async () => {
    const response = await fetch(`${web.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('Proxy to the messages service', () => {
  test('When the API is called through the web service, then the messages service answers, errors included, unchanged', async () => {
    const alice = await loginUser(api);
    const me = await api.get('/api/auth_user', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(alice.username);

    const unauthorized = await api.get('/api/auth_user');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.error.code).toBeDefined();

    const wrongType = await api.post('/api/login', { body: 'username=x', headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
  });
});

describe('Proxy to the stream service', () => {
  test('When an event stream is opened through the web service, then its headers arrive at once and each event as soon as it is published', async () => {
    const alice = await loginUser(api);
    const bob = await loginUser(api);
    const conversationId = await startConversation(api, alice, bob);
    const streamToken = (await api.post('/api/stream_token', { token: bob.token })).body.token as string;

    const events = await openRawStream(web.url, { token: streamToken, tokenInHeader: false });
    try {
      expect(events.status).toBe(200);
      expect(events.headers['content-type']).toContain('text/event-stream');
      expect(events.headers['transfer-encoding']).toBe('chunked');

      const sent = await sendMessage(api, alice, conversationId, 'through the proxy');
      const [frame] = await events.waitForEvents(1, 'message', 5000);
      expect(JSON.parse(frame!.data)).toMatchObject({ id: sent.id, content: 'through the proxy', mine: false });
      expect(frame!.id).toMatch(/^\d+:1$/);
    } finally {
      events.close();
    }
  });

  test('When a client resumes with Last-Event-ID through the web service, then the header reaches the stream service and it replays what was missed', async () => {
    const alice = await loginUser(api);
    const bob = await loginUser(api);
    const conversationId = await startConversation(api, alice, bob);

    const first = await openRawStream(web.url, { token: bob.token });
    await sendMessage(api, alice, conversationId, 'one');
    const [seen] = await first.waitForEvents(1, 'message', 5000);
    first.close();
    await sendMessage(api, alice, conversationId, 'two');

    const resumed = await openRawStream(web.url, { token: bob.token, lastEventId: seen!.id });
    try {
      const [missed] = await resumed.waitForEvents(1, 'message', 5000);
      expect(JSON.parse(missed!.data).content).toBe('two');
    } finally {
      resumed.close();
    }
  });

  test('When the browser goes away, then the upstream stream is closed too', async () => {
    const bob = await loginUser(api);
    const before = stream.stats().connections;
    const events = await openRawStream(web.url, { token: bob.token });
    await waitUntil(() => stream.stats().connections === before + 1);
    events.close();
    await waitUntil(() => stream.stats().connections === before);
  });

  test('When the upstream service is down, then the proxy answers 502 with a JSON error and logs no token', async () => {
    const logLines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
    const down = await startWeb(
      {
        ...config,
        web: {
          ...config.web,
          messagesUrl: `http://127.0.0.1:${await freePort()}`,
          streamUrl: `http://127.0.0.1:${await freePort()}`,
        },
      },
      { staticDir, logger },
    );
    try {
      for (const route of ['/api/auth_user', '/api/messages?token=secret-token']) {
        const response = await fetch(down.url + route, { headers: { accept: 'text/event-stream' } });
        expect(response.status).toBe(502);
        expect(await response.json()).toEqual({ error: { code: 'bad_gateway', message: expect.any(String) } });
      }
      // Counted when each response has closed, which can follow the answer by a moment.
      const metrics = await scrapeUntil(down.metricsUrl, (m) => m.value('messenger_web_requests_total') === 2);
      expect(metrics.value('messenger_web_proxy_errors_total', { upstream: 'messages' })).toBe(1);
      expect(metrics.value('messenger_web_proxy_errors_total', { upstream: 'stream' })).toBe(1);
      expect(metrics.value('messenger_web_requests_total', { target: 'api', status: '502' })).toBe(1);
      expect(metrics.value('messenger_web_requests_total', { target: 'stream', status: '502' })).toBe(1);
    } finally {
      await down.stop();
    }
    expect(logLines.join('')).toContain('token=[redacted]');
    expect(logLines.join('')).not.toContain('secret-token');
  });
});

describe('Metrics', () => {
  test('When requests pass through, then they are counted by target and status, and a browser that leaves a stream is no proxy error', async () => {
    const before = await scrapeMetrics(web.metricsUrl);
    const count = (m: Scrape, target: string, status: string) =>
      m.value('messenger_web_requests_total', { target, status }) -
      before.value('messenger_web_requests_total', { target, status });
    expect((await fetch(`${web.url}/login`)).status).toBe(200);
    expect((await fetch(`${web.url}/api/auth_user`)).status).toBe(401);
    const bob = await loginUser(api);
    const events = await openRawStream(web.url, { token: bob.token });
    await events.waitForReady();
    events.close();

    const after = await scrapeUntil(web.metricsUrl, (m) => count(m, 'stream', '200') === 1);
    expect(count(after, 'app', '200')).toBe(1);
    expect(count(after, 'api', '401')).toBe(1);
    expect(after.value('messenger_web_proxy_errors_total')).toBe(before.value('messenger_web_proxy_errors_total'));
    expect(after.samples('messenger_nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });
});

/** Scrapes until `done` holds (counts land when a response closes), for at most 5 s. */
async function scrapeUntil(metricsUrl: string, done: (metrics: Scrape) => boolean): Promise<Scrape> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const metrics = await scrapeMetrics(metricsUrl);
    if (done(metrics)) return metrics;
    if (Date.now() > deadline) throw new Error(`metrics never reached the expected values:\n${metrics.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function rawGet(requestPath: string): Promise<{ status: number; text: string }> {
  // fetch normalises "..", so send the path exactly as written.
  return new Promise((resolve, reject) => {
    const url = new URL(web.url);
    const request = http.get({ host: url.hostname, port: url.port, path: requestPath, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
