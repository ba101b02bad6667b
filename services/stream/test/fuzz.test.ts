import jwt from 'jsonwebtoken';
import { start, type StreamServer } from '../src/server';
import { createFuzzer, fuzzSeed, runFuzz } from '../../../test/support/http/request-fuzzer';
import { rawRequest } from '../../../test/support/http/raw-http';
import { sessionToken, tokens, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { TEST_JWT_SECRET, testConfig } from '../../../test/support/product/test-config';

// The stream service under the same seeded fuzz as the messages API (shared generator,
// test/support/request-fuzzer.ts): the stream path and its misspellings, every method,
// tokens in the header and the query (valid, expired, forged, repeated, as arrays),
// cursors (valid, malformed, repeated, huge) and Accept headers. A stream that opens is
// closed as soon as its head arrives. No answer may be a 5xx or a non-JSON error.
let server: StreamServer;

beforeAll(async () => {
  server = await start(testConfig());
});

afterAll(() => server.stop());

const REQUESTS = 300;

test(`When ${REQUESTS} random requests hit the stream service, then none answers 5xx, every error is the JSON error shape, and no stream is left open`, async () => {
  const fuzzer = createFuzzer(fuzzSeed(20261203));
  const { pick } = fuzzer;
  const userId = uniqueUserId();
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  const tokenPool = [
    sessionToken(userId),
    tokens.sign(userId, 'stream').token,
    jwt.sign({ sub: userId, aud: 'session', exp: Math.floor(Date.now() / 1000) - 5 }, TEST_JWT_SECRET),
    jwt.sign({ sub: userId, aud: 'admin', exp: inAnHour }, TEST_JWT_SECRET),
    jwt.sign({ sub: '0', aud: 'session', exp: inAnHour }, TEST_JWT_SECRET),
    jwt.sign({ sub: '9'.repeat(25), aud: 'session', exp: inAnHour }, TEST_JWT_SECRET),
    'not-a-jwt',
    '',
    '%',
    '%00',
  ];
  const cursors = [
    ...['0:0', '1:1', '1764089912345678:5', `1764089912345678:${'9'.repeat(15)}`, '0:7', '01:1', ':', '1:'],
    ...['0-0', '1-0', '99999999999999-0', 'abc', '-1', '1-', '%', '%00', '😀', '9'.repeat(400)],
  ];
  const paths = ['/api/messages', '/api/messages', '/api/messages', '/healthz', '/api/nothing', '/'];
  const queryParts = [
    ...tokenPool.map((token) => `token=${encodeURIComponent(token)}`),
    `%74oken=${encodeURIComponent(tokenPool[0]!)}`,
    `token[]=${encodeURIComponent(tokenPool[0]!)}`,
    ...cursors.map((cursor) => `lastEventId=${cursor}`),
    'lastEventId',
    'token',
    '=',
    '&&',
  ];

  await runFuzz(server.url, fuzzer, REQUESTS, () => {
    const headers: Record<string, string> = { ...fuzzer.oversizedHeaders() };
    const accept = pick([
      undefined,
      'text/event-stream',
      'text/event-stream',
      '*/*',
      'application/json',
      'TEXT/EVENT-STREAM',
    ]);
    if (accept) headers.accept = accept;
    const authorization = pick([undefined, undefined, ...tokenPool.map((t) => `Bearer ${t}`), 'Bearer', 'Basic YTpi']);
    if (authorization) headers.authorization = authorization;
    if (fuzzer.chance(0.3)) headers['last-event-id'] = pick(cursors).replace('😀', 'x');
    const method = fuzzer.method();
    const body = method === 'POST' || method === 'PUT' ? pick(['', '{}', 'x']) : undefined;
    return { method, target: fuzzer.mutatePath(pick(paths)) + fuzzer.query(queryParts), headers, body };
  });

  // Every stream the fuzz opened was closed by its client: the service let go of each.
  const deadline = Date.now() + 10_000;
  while (server.stats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(server.stats()).toMatchObject({ connections: 0, users: 0, heartbeats: 0 });
  expect((await rawRequest(server.url, { target: '/healthz' })).status).toBe(200);
});
