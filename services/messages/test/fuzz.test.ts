import { useMessagesApp } from '../../../test/support/messages-app';
import {
  loginUser,
  sendMessage,
  startConversation,
  uniqueUsername,
  type TestUser,
} from '../../../test/support/messages-client';

// A bounded, seeded fuzz of the whole API: random routes, ids, queries, bodies, content
// types and Authorization headers. Seeded, so a failure reproduces; the inputs that once
// gave 500 (NUL characters, bodies that fail to decompress) are in the pools.
const { api } = useMessagesApp();
const REQUESTS = 300;

let alice: TestUser;
let bob: TestUser;
let conversationId: string;
let messageId: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  conversationId = await startConversation(api, alice, bob);
  messageId = (await sendMessage(api, alice, conversationId, 'seed')).id;
});

/** mulberry32: a tiny seeded PRNG. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`When ${REQUESTS} random requests hit the API, then none answers 5xx and every error is the JSON error shape`, async () => {
  const next = random(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

  // The only valid username among them is unique to this run: a fuzzed login creates no
  // user that another test file could trip over.
  const name = uniqueUsername('fuzz');
  const strings = [
    '',
    ' ',
    name,
    '\u0000',
    'a\u0000b',
    '\u200b',
    '%',
    '%_',
    '\\',
    '"',
    'ü',
    '😀',
    '\r\n\t',
    'a'.repeat(40),
    'x'.repeat(600),
  ];
  const values: unknown[] = [...strings, null, 0, -1, 1.5, 1e21, true, [], ['a'], {}, { a: 1 }];
  const ids = () => [
    conversationId,
    messageId,
    '0',
    '01',
    '-1',
    'abc',
    '%',
    '%zz',
    '%00',
    '9'.repeat(25),
    '1e3',
    '%F0%9F%98%80',
  ];
  const paths = [
    '/api/login',
    '/api/auth_user',
    '/api/refresh_token',
    '/api/stream_token',
    '/api/usernames',
    '/api/conversations',
    '/api/conversations/:id',
    '/api/conversations/:id/other_participant',
    '/api/conversations/:id/messages',
    '/api/conversations/:id/read_messages',
    '/healthz',
    '/api/nothing',
  ];
  const queryParts = [
    'search=',
    'search=a',
    'search=%00',
    'search=%25',
    'limit=0',
    'limit=abc',
    'limit=51',
    'limit=1&limit=2',
    'before=abc',
    'before=01',
    'before=%zz',
    'token=x',
  ];
  const contentTypes = [
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
  ];
  const bodies = () => [
    '',
    'null',
    '42',
    '"x"',
    '[]',
    '{',
    '{"__proto__":{"admin":true}}',
    JSON.stringify({ username: pick(values) }),
    JSON.stringify({ content: pick(values), extra: pick(values) }),
    JSON.stringify({ username: alice.username, content: 'hi' }),
  ];
  const authorizations = () => [
    undefined,
    `Bearer ${alice.token}`,
    `Bearer ${bob.token}`,
    'Bearer',
    'Bearer x.y.z',
    'Basic YTpi',
    `Bearer ${alice.token}x`,
  ];

  const problems: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const method = pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']);
    let path = pick(paths).replace(':id', pick(ids()));
    const query = Array.from({ length: Math.floor(next() * 3) }, () => pick(queryParts));
    if (query.length) path += `?${query.join('&')}`;
    const headers: Record<string, string> = {};
    const authorization = pick(authorizations());
    if (authorization) headers.authorization = authorization;
    let body: string | undefined;
    if (method !== 'GET') {
      body = pick(bodies());
      const contentType = pick(contentTypes);
      if (contentType) headers['content-type'] = contentType;
      if (next() < 0.1) headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'x-nope']);
    }
    const response = await api.request(method, path, { headers, body });
    const isJsonError = typeof response.body === 'object' && typeof response.body?.error?.code === 'string';
    if (response.status >= 500 || (response.status >= 400 && !isJsonError)) {
      problems.push(`${method} ${path} ${JSON.stringify({ headers, body })?.slice(0, 200)} → ${response.status}`);
    }
  }
  expect(problems).toEqual([]);
});
