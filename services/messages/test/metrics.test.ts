import { randomUUID } from 'node:crypto';
import { startMessagesApp, useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, startConversation } from '../../../test/support/messages/messages-client';
import { scrapeMetrics } from '../../../test/support/http/prometheus-scrape';
import { captureLogLines } from '../../../test/support/stream/stream-log-capture';

// /metrics of the messages service: request durations by route pattern, messages sent,
// the outbox; and health checks and scrapes kept out of the info log.
const log = captureLogLines('info', 'messages');
const setup = useMessagesApp({ deps: { logger: log.logger } });
const { api } = setup;
const scrape = () => scrapeMetrics(setup.app.metricsUrl);

test('When requests are answered, then their durations are labelled with the route pattern, never the raw path', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  const before = await scrape();
  const pattern = { method: 'POST', route: '/api/conversations/:id/messages', status: '201' };
  for (const content of ['one', 'two']) {
    const sent = await api.post(`/api/conversations/${conversationId}/messages`, {
      token: alice.token,
      json: { content },
    });
    expect(sent.status).toBe(201);
  }
  expect((await api.get('/api/no/such/path')).status).toBe(404);

  const after = await scrape();
  const count = 'messenger_http_request_duration_seconds_count';
  expect(after.value(count, pattern) - before.value(count, pattern)).toBe(2);
  expect(
    after.value(count, { route: 'unmatched', status: '404' }) -
      before.value(count, { route: 'unmatched', status: '404' }),
  ).toBe(1);
  const routes = after.samples(count).map((sample) => sample.labels.route);
  expect(routes.filter((route) => route!.includes(conversationId) || route!.includes('/no/such'))).toEqual([]);
});

test('When messages are sent, then messages_sent grows by exactly their number, and a retried send is not counted again', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  const before = await scrape();
  const clientId = randomUUID();
  const path = `/api/conversations/${conversationId}/messages`;
  expect((await api.post(path, { token: alice.token, json: { content: 'a', clientId } })).status).toBe(201);
  expect((await api.post(path, { token: alice.token, json: { content: 'a', clientId } })).status).toBe(200);
  expect((await api.post(path, { token: bob.token, json: { content: 'b' } })).status).toBe(201);

  const after = await scrape();
  expect(after.value('messenger_messages_sent_total') - before.value('messenger_messages_sent_total')).toBe(2);
});

test('When /metrics is scraped, then it reports the outbox backlog and age, publish failures, new epochs and the process metrics', async () => {
  const metrics = await scrape();
  expect(metrics.samples('messenger_outbox_backlog')).toHaveLength(1);
  expect(metrics.value('messenger_outbox_backlog')).toBeGreaterThanOrEqual(0);
  expect(metrics.value('messenger_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
  expect(metrics.samples('messenger_publish_failures_total')).toEqual([{ labels: {}, value: 0 }]);
  expect(metrics.samples('messenger_outbox_new_epochs_total')).toEqual([{ labels: {}, value: 0 }]);
  expect(metrics.samples('messenger_nodejs_eventloop_lag_seconds')).toHaveLength(1);
});

test('When /healthz and /metrics are requested, then nothing is logged at info, while other requests are', async () => {
  log.lines.length = 0;
  await api.get('/healthz');
  await scrape();
  await api.get('/api/auth/providers');
  const requests = log.lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
  expect(requests.map((entry) => entry.url)).toEqual(['/api/auth/providers']);
});

test('When METRICS_PORT is set, then /metrics is served there and not on the service port', async () => {
  const app = await startMessagesApp({ METRICS_PORT: '0' });
  try {
    expect(app.metricsUrl).not.toBe(`${app.url}/metrics`);
    expect((await scrapeMetrics(app.metricsUrl)).samples('messenger_messages_sent_total')).toHaveLength(1);
    const onServicePort = await fetch(`${app.url}/metrics`);
    expect(onServicePort.status).toBe(404);
    const elsewhere = await fetch(new URL('/healthz', app.metricsUrl));
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).error.code).toBe('not_found');
  } finally {
    await app.stop();
  }
});
