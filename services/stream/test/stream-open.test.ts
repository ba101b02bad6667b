import jwt from 'jsonwebtoken';
import { createTokenService } from '#libs/auth';
import { start, type StreamServer } from '../src/server';
import { captureLogLines } from '../../../test/support/stream/stream-log-capture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';
import { sessionToken, tokens, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { TEST_JWT_SECRET, testConfig } from '../../../test/support/product/test-config';

// Opening a stream: the checks that end in an ordinary JSON response, and the headers of one that opens.
let server: StreamServer;
const { logger, lines: logLines } = captureLogLines('info');

beforeAll(async () => {
  server = await start(testConfig({ STREAM_RETRY_MS: '1500' }), { logger });
});

afterAll(() => server.stop());

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const userId = uniqueUserId();
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const badTokens: Record<string, () => string> = {
  malformed: () => 'not-a-jwt',
  expired: () =>
    jwt.sign({ sub: userId, aud: 'session', exp: Math.floor(Date.now() / 1000) - 10 }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
    }),
  'signed with another secret': () =>
    createTokenService({
      jwtSecret: 'another-secret-0123456789abcdef-xyz',
      tokenTtlSeconds: 60,
      streamTokenTtlSeconds: 60,
    }).sign(userId).token,
  'alg none': () =>
    `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: userId, aud: 'session', exp: inAnHour() })}.`,
  'for another audience': () =>
    jwt.sign({ sub: userId, aud: 'admin', exp: inAnHour() }, TEST_JWT_SECRET, { algorithm: 'HS256' }),
  'without a user id': () => jwt.sign({ aud: 'session', exp: inAnHour() }, TEST_JWT_SECRET, { algorithm: 'HS256' }),
};

describe('GET /api/messages', () => {
  test('When Accept lacks text/event-stream, then it answers 406 with a JSON error', async () => {
    for (const accept of [null, 'application/json', '*/*']) {
      const stream = await openRawStream(server.url, { token: sessionToken(userId), accept });
      await stream.ended;
      expect(stream.status).toBe(406);
      expect(stream.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(stream.text())).toEqual({ error: { code: 'not_acceptable', message: expect.any(String) } });
    }
  });

  test('When no usable token is sent, then it answers 401 with a JSON error saying whether it is missing or malformed', async () => {
    const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
      [{}, {}, /required/i],
      // A query token does not rescue a bad header: the header is what the client meant.
      [{ Authorization: 'Basic dXNlcjpwYXNz' }, { token: sessionToken(userId) }, /malformed/i],
      [{ Authorization: 'Bearer' }, {}, /malformed/i],
      [{ Authorization: 'Bearer a b' }, {}, /malformed/i],
    ];
    for (const [headers, query, message] of cases) {
      const stream = await openRawStream(server.url, { headers, query });
      await stream.ended;
      expect(stream.status).toBe(401);
      expect(stream.headers['www-authenticate']).toBe('Bearer');
      const { error } = JSON.parse(stream.text());
      expect(error).toEqual({ code: 'unauthorized', message: expect.stringMatching(message) });
    }
  });

  for (const [kind, make] of Object.entries(badTokens)) {
    for (const tokenInHeader of [true, false]) {
      const where = tokenInHeader ? 'the Authorization header' : '?token=';
      test(`When the token in ${where} is ${kind}, then it answers 401 and opens no stream`, async () => {
        const stream = await openRawStream(server.url, { token: make(), tokenInHeader });
        await stream.ended;
        expect(stream.status).toBe(401);
        expect(JSON.parse(stream.text()).error).toEqual({ code: 'unauthorized', message: expect.any(String) });
        expect(server.stats().connections).toBe(0);
      });
    }
  }

  test('When the token is valid, then status and SSE headers arrive at once, before any event (the body close-delimited, not chunked), followed by the retry line and `ready` with the starting cursor', async () => {
    const stream = await openRawStream(server.url, { token: sessionToken(uniqueUserId()) });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream');
      expect(stream.headers['cache-control']).toBe('no-cache, no-transform');
      expect(stream.headers['x-accel-buffering']).toBe('no');
      expect(stream.headers['content-length']).toBeUndefined();
      expect(stream.headers['transfer-encoding']).toBeUndefined();
      expect(stream.headers.connection).toBe('close');
      // A user without events: the baseline is "<epoch>:0", a head started for the user
      // (no event yet), still a cursor to resume from.
      const { id } = await stream.waitForReady();
      expect(id).toMatch(/^[1-9]\d{15}:0$/);
      expect(stream.text()).toBe(`retry: 1500\n\nid: ${id}\nevent: ready\ndata: {"cursor":"${id}"}\n\n`);
      expect(stream.events()).toEqual([]);
    } finally {
      stream.close();
    }
  });

  test('When a stream token is sent in ?token=, then the stream opens and the token is not in any log line', async () => {
    const streamToken = tokens.sign(uniqueUserId(), 'stream').token;
    const stream = await openRawStream(server.url, { token: streamToken, tokenInHeader: false });
    try {
      expect(stream.status).toBe(200);
      await stream.waitFor(
        () => logLines.some((line) => line.includes('/api/messages?token=')),
        'the request log line',
      );
      const logged = logLines.join('');
      expect(logged).toContain('token=[redacted]');
      expect(logged).not.toContain(streamToken);
      expect(logged).not.toContain(streamToken.split('.')[1]);
    } finally {
      stream.close();
    }
  });
});

describe('Other requests', () => {
  test('When another method or an unknown path is requested, then it answers 405 or 404 with a JSON error', async () => {
    const post = await fetch(`${server.url}/api/messages`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect((await post.json()).error.code).toBe('method_not_allowed');
    const unknown = await fetch(`${server.url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');
  });
});

describe('GET /healthz', () => {
  test('When Redis answers, then it answers 200', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', redis: 'ok' });
  });
});
