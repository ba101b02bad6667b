import { createApiClient, loginUser, startConversation, type TestUser } from '../support/messages/messages-client';
import { isJsonError, rawExchange, rawRequest, type RawResponse } from '../support/http/raw-http';
import { startThreeServices, type ThreeServices } from '../support/product/three-services';

// The HTTP edges of all three services, with the requests no browser sends: methods a
// route does not serve, HEAD and OPTIONS, paths with trailing or doubled slashes and
// encoded segments, heads and URLs too large, malformed requests. Every error answer
// is the JSON error shape, whatever refused the request (Node's parser included).
let services: ThreeServices;
let alice: TestUser;
let conversationId: string;

beforeAll(async () => {
  services = await startThreeServices();
  const api = createApiClient(services.webUrl);
  const bob = await loginUser(api);
  alice = await loginUser(api);
  conversationId = await startConversation(api, alice, bob);
});

afterAll(() => services?.stop());

type Service = 'messages' | 'stream' | 'web';
const base = (service: Service) =>
  ({ messages: services.messagesUrl, stream: services.streamUrl, web: services.webUrl })[service];
const SERVICES: Service[] = ['messages', 'stream', 'web'];

/** Each route and exactly the methods it serves, as its Allow header lists them. */
const routes = (): [Service[], string, string][] => [
  [['messages', 'web'], '/api/login', 'POST, OPTIONS'],
  [['messages', 'web'], '/api/auth/providers', 'GET, HEAD, OPTIONS'],
  [['messages', 'web'], '/api/auth_user', 'GET, HEAD, OPTIONS'],
  [['messages', 'web'], '/api/refresh_token', 'POST, OPTIONS'],
  [['messages', 'web'], '/api/stream_token', 'POST, OPTIONS'],
  [['messages', 'web'], '/api/usernames', 'GET, HEAD, OPTIONS'],
  [['messages', 'web'], '/api/conversations', 'GET, HEAD, POST, OPTIONS'],
  [['messages', 'web'], `/api/conversations/${conversationId}`, 'GET, HEAD, OPTIONS'],
  [['messages', 'web'], `/api/conversations/${conversationId}/other_participant`, 'GET, HEAD, OPTIONS'],
  [['messages', 'web'], `/api/conversations/${conversationId}/messages`, 'GET, HEAD, POST, OPTIONS'],
  [['messages', 'web'], `/api/conversations/${conversationId}/read_messages`, 'POST, OPTIONS'],
  [['messages', 'stream', 'web'], '/healthz', 'GET, HEAD, OPTIONS'],
  [['stream', 'web'], '/api/messages', 'GET, HEAD, OPTIONS'],
  [['web'], '/', 'GET, HEAD, OPTIONS'],
  [['web'], '/conversations/1', 'GET, HEAD, OPTIONS'],
  [['web'], '/assets/app-abc123.js', 'GET, HEAD, OPTIONS'],
];

const eachRoute = () => routes().flatMap(([on, path, allow]) => on.map((service) => ({ service, path, allow })));

function expectJsonError(response: RawResponse, status: number, code?: string) {
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
    status,
    type: 'application/json; charset=utf-8',
  });
  expect(isJsonError(response.json)).toBe(true);
  if (code) expect((response.json as { error: { code: string } }).error.code).toBe(code);
}

describe('Methods', () => {
  test('When OPTIONS is sent to a route, then it answers 204 with an Allow header listing exactly what the route serves, and no CORS headers', async () => {
    for (const { service, path, allow } of eachRoute()) {
      const response = await rawRequest(base(service), { method: 'OPTIONS', target: path });
      expect({ service, path, status: response.status, allow: response.headers.allow, body: response.text }).toEqual({
        service,
        path,
        status: 204,
        allow,
        body: '',
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('When a route is sent a method it does not serve, then it answers 405 with the same Allow header and a JSON error', async () => {
    for (const { service, path, allow } of eachRoute()) {
      for (const method of ['PUT', 'DELETE', 'PATCH', 'PROPFIND', ...(allow.includes('POST') ? [] : ['POST'])]) {
        const response = await rawRequest(base(service), {
          method,
          target: path,
          headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
        expect({ service, path, method, allow: response.headers.allow }).toEqual({ service, path, method, allow });
        expectJsonError(response, 405, 'method_not_allowed');
      }
    }
  });

  test('When HEAD is sent to a GET route, then it answers as GET would, without a body', async () => {
    for (const { service, path, allow } of eachRoute()) {
      if (!allow.includes('HEAD') || path === '/api/messages') continue;
      const headers = { Authorization: `Bearer ${alice.token}` };
      const get = await rawRequest(base(service), { target: path, headers });
      const head = await rawRequest(base(service), { method: 'HEAD', target: path, headers });
      expect({ service, path, status: head.status, type: head.headers['content-type'], body: head.text }).toEqual({
        service,
        path,
        status: get.status,
        type: get.headers['content-type'],
        body: '',
      });
    }
  });

  test('When HEAD is sent to the stream, then it answers with the head a stream starts with and no stream stays open', async () => {
    for (const service of ['stream', 'web'] as const) {
      const response = await rawRequest(base(service), {
        method: 'HEAD',
        target: '/api/messages',
        headers: { Authorization: `Bearer ${alice.token}`, Accept: 'text/event-stream' },
      });
      expect({ service, status: response.status, type: response.headers['content-type'] }).toEqual({
        service,
        status: 200,
        type: 'text/event-stream',
      });
    }
    expect(services.stream.stats().connections).toBe(0);
  });
});

describe('Paths', () => {
  test('When a route is asked with a trailing slash, a doubled slash or an encoded segment, then it answers 404 with a JSON error', async () => {
    for (const { service, path } of eachRoute()) {
      // The web service serves its app on every other path (client-side routing).
      if (service === 'web' && !path.startsWith('/api/')) continue;
      const variants = [
        `${path}/`,
        `/${path}`,
        path.replace('/api/', '/api//'),
        path.replace(/\/([a-z])/, (_, first: string) => `/%${first.charCodeAt(0).toString(16)}`),
        path.toUpperCase(),
      ];
      for (const target of variants) {
        if (target === path) continue;
        const response = await rawRequest(base(service), {
          target,
          headers: { Authorization: `Bearer ${alice.token}`, Accept: 'text/event-stream' },
        });
        expect({ service, target, status: response.status }).toEqual({ service, target, status: 404 });
        expectJsonError(response, 404, 'not_found');
      }
    }
  });

  test('When the web service is asked for a file that does not exist, then it answers 404 with a JSON error', async () => {
    expectJsonError(await rawRequest(services.webUrl, { target: '/assets/gone.js' }), 404, 'not_found');
  });

  test('When a query parameter is repeated, then the answer is a 4xx JSON error, never a 5xx', async () => {
    const cases: [Service, string][] = [
      ['messages', `/api/conversations/${conversationId}/messages?limit=1&limit=2`],
      ['messages', `/api/conversations?before=1&before=2`],
      ['messages', '/api/usernames?search=a&search=b'],
      ['stream', `/api/messages?token=${alice.token}&token=${alice.token}`],
      ['stream', '/api/messages?lastEventId=1-0&lastEventId=2-0'],
      ['web', '/api/usernames?search=a&search=b'],
    ];
    for (const [service, target] of cases) {
      const response = await rawRequest(base(service), {
        target,
        headers: {
          Accept: 'text/event-stream',
          ...(target.includes('token=') ? {} : { Authorization: `Bearer ${alice.token}` }),
        },
      });
      expect({ service, target, status: response.status >= 400 && response.status < 500 }).toEqual({
        service,
        target,
        status: true,
      });
      expect(isJsonError(response.json)).toBe(true);
    }
  });
});

describe('Requests refused before any route runs', () => {
  test.each(SERVICES)(
    'When the %s service gets headers over 16 KB, then it answers 431 headers_too_large as JSON',
    async (service) => {
      const response = await rawRequest(base(service), {
        target: '/healthz',
        headers: { 'X-Pad': 'p'.repeat(17_000) },
      });
      expectJsonError(response, 431, 'headers_too_large');
    },
  );

  test.each(SERVICES)(
    'When the %s service gets headers just under 16 KB, then the request is served',
    async (service) => {
      const response = await rawRequest(base(service), {
        target: '/healthz',
        headers: { 'X-Pad': 'p'.repeat(15_000) },
      });
      expect(response.status).toBe(200);
    },
  );

  test.each(SERVICES)(
    'When the %s service gets a URL over 8 KB, then it answers 414 uri_too_long as JSON',
    async (service) => {
      for (const length of [8200, 12_000, 20_000]) {
        const response = await rawRequest(base(service), { target: `/healthz?pad=${'p'.repeat(length)}` });
        expect({ length, status: response.status }).toEqual({ length, status: 414 });
        expectJsonError(response, 414, 'uri_too_long');
      }
      const longButAllowed = await rawRequest(base(service), { target: `/healthz?pad=${'p'.repeat(7000)}` });
      expect(longButAllowed.status).toBe(200);
    },
  );

  test.each(SERVICES)(
    'When the %s service gets a malformed request, then it answers 400 bad_request as JSON',
    async (service) => {
      for (const bytes of [
        'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
        'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n',
        'FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
        'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
      ]) {
        const response = await rawExchange(base(service), bytes);
        expect({ bytes, status: response.status }).toEqual({ bytes, status: 400 });
        expectJsonError(response, 400, 'bad_request');
      }
    },
  );

  test('When a service refused a malformed request, then it still serves the next one', async () => {
    for (const service of SERVICES) {
      await rawExchange(base(service), 'GET / HTTP/1.1\r\nBad Header\r\n\r\n');
      expect((await rawRequest(base(service), { target: '/healthz' })).status).toBe(200);
    }
  });
});
