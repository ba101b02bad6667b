import { useMessagesApp } from '../../../test/support/messages/messages-app';
import {
  loginUser,
  sendMessage,
  startConversation,
  uniqueUsername,
  type TestUser,
} from '../../../test/support/messages/messages-client';
import { createFuzzer, fuzzSeed, runFuzz } from '../../../test/support/http/request-fuzzer';

// A bounded, seeded fuzz of the whole API: random routes (and malformed spellings of
// them), methods, ids, queries, bodies, content types and Authorization headers. Seeded,
// so a failure reproduces (FUZZ_SEED=<seed> reruns one); the inputs that once gave 500
// (NUL characters, bodies that fail to decompress) are in the pools.
const messages = useMessagesApp();
const { api } = messages;
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

test(`When ${REQUESTS} random requests hit the API, then none answers 5xx and every error is the JSON error shape`, async () => {
  const fuzzer = createFuzzer(fuzzSeed(20261125));
  const { pick, next } = fuzzer;

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

  await runFuzz(messages.app.url, fuzzer, REQUESTS, () => {
    const method = fuzzer.method();
    const path = fuzzer.mutatePath(pick(paths).replace(':id', pick(ids())));
    const headers: Record<string, string> = { ...fuzzer.oversizedHeaders() };
    const authorization = pick(authorizations());
    if (authorization) headers.authorization = authorization;
    let body: string | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      body = pick(bodies());
      const contentType = pick(contentTypes);
      if (contentType) headers['content-type'] = contentType;
      if (next() < 0.1) headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'x-nope']);
    }
    return { method, target: path + fuzzer.query(queryParts), headers, body };
  });
});
