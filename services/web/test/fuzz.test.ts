import { createApiClient, loginUser } from '../../../test/support/messages/messages-client';
import { rawRequest } from '../../../test/support/http/raw-http';
import { createFuzzer, fuzzSeed, runFuzz } from '../../../test/support/http/request-fuzzer';
import { startThreeServices, type ThreeServices } from '../../../test/support/product/three-services';

// The web service (static files, /healthz, and its proxy to the real messages and
// stream services) under the same seeded fuzz as the other two (shared generator,
// test/support/request-fuzzer.ts). No answer may be a 5xx or a non-JSON error, the
// app's files included; streams opened through the proxy are closed at once.
let services: ThreeServices;

beforeAll(async () => {
  services = await startThreeServices();
});

afterAll(() => services?.stop());

const REQUESTS = 300;

test(`When ${REQUESTS} random requests hit the web service, then none answers 5xx, every error is the JSON error shape, and no stream is left open`, async () => {
  const fuzzer = createFuzzer(fuzzSeed(20261204));
  const { pick } = fuzzer;
  const alice = await loginUser(createApiClient(services.webUrl));
  const paths = [
    '/',
    '/login',
    '/conversations/42',
    '/assets/app-abc123.js',
    '/assets/gone.js',
    '/favicon.svg',
    '/healthz',
    '/api/messages',
    '/api/auth_user',
    '/api/conversations',
    '/api/conversations/1/messages',
    '/api',
    '/../package.json',
    '/%2e%2e/%2e%2e/package.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/api/../healthz',
  ];
  const queryParts = [`token=${alice.token}`, 'limit=1', 'limit=x', 'search=a', 'lastEventId=0-0', 'x=%zz', '%'];

  await runFuzz(services.webUrl, fuzzer, REQUESTS, () => {
    const headers: Record<string, string> = { ...fuzzer.oversizedHeaders() };
    if (fuzzer.chance(0.5)) headers.authorization = pick([`Bearer ${alice.token}`, 'Bearer x', 'Basic YTpi']);
    if (fuzzer.chance(0.5)) headers.accept = pick(['text/event-stream', 'text/html', '*/*', 'application/json']);
    if (fuzzer.chance(0.1)) headers.connection = pick(['upgrade', 'keep-alive, x-secret', 'close']);
    const method = fuzzer.method();
    const body = method === 'POST' || method === 'PUT' ? pick(['', '{}', '{"username":"x"}', 'x']) : undefined;
    if (body !== undefined && fuzzer.chance(0.7)) headers['content-type'] = 'application/json';
    return { method, target: fuzzer.mutatePath(pick(paths)) + fuzzer.query(queryParts), headers, body };
  });

  const deadline = Date.now() + 10_000;
  while (services.stream.stats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(services.stream.stats().connections).toBe(0);
  expect((await rawRequest(services.webUrl, { target: '/healthz' })).status).toBe(200);
});
