import { start, type StreamServer } from '../src/server';
import { isJsonError, rawRequest } from '../../../test/support/http/raw-http';
import { captureLogLines } from '../../../test/support/stream/stream-log-capture';
import { sessionToken, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { testConfig } from '../../../test/support/product/test-config';

// Which request targets are the stream: exactly `/api/messages` (any query). Every
// other spelling is an unknown path, answered 404 by the same rule wherever it is
// checked, never the 503 that means "Redis cannot be read".
let server: StreamServer;
const { logger, lines: logLines } = captureLogLines('info');

beforeAll(async () => {
  server = await start(testConfig(), { logger });
});

afterAll(() => server.stop());

const notTheStream = [
  '/api/messages/',
  '/api/messages//',
  '//api/messages',
  '/api//messages',
  '/api/messages%2F',
  '/api/%6Dessages',
  '/API/messages',
  '/api/Messages',
  '/api/messages/.',
  '/api/messages;x',
  '/api/messages/x',
  '/./api/messages',
];

test.each(notTheStream)(
  'When a valid stream request is sent to %s, then it answers 404 with a JSON error and logs nothing at error level',
  async (target) => {
    const response = await rawRequest(server.url, {
      target: `${target}?lastEventId=0-0`,
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${sessionToken(uniqueUserId())}` },
    });
    expect({ target, status: response.status }).toEqual({ target, status: 404 });
    expect(response.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(server.stats().connections).toBe(0);
    const errors = logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  },
);

test('When the stream path is asked with a query, in origin or absolute form, then the stream opens', async () => {
  for (const target of ['/api/messages?x=1', `${server.url}/api/messages`]) {
    const response = await rawRequest(server.url, {
      target,
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${sessionToken(uniqueUserId())}` },
    });
    expect({ target, status: response.status, type: response.headers['content-type'] }).toEqual({
      target,
      status: 200,
      type: 'text/event-stream',
    });
  }
});

test('When an unknown path is asked with any method, then it answers 404 with a JSON error', async () => {
  for (const method of ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS']) {
    const response = await rawRequest(server.url, { method, target: '/api/messages/' });
    expect({ method, status: response.status }).toEqual({ method, status: 404 });
    if (method !== 'HEAD') expect(isJsonError(response.json)).toBe(true);
  }
});
