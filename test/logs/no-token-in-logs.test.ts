import { createApiClient, loginUser, type TestUser } from '../support/messages/messages-client';
import { rawExchange, rawRequest } from '../support/http/raw-http';
import { captureLogLines } from '../support/stream/stream-log-capture';
import { startThreeServices, type ThreeServices } from '../support/product/three-services';

// Every token this file is issued goes through the three services in every place a
// client can put one (header, query under encoded names, arrays, repeats, cookies,
// oversized and malformed requests), with every log line kept, down to trace. Then
// the logs are searched for each token: there must be no hit.
const logs = {
  messages: captureLogLines('trace', 'messages'),
  stream: captureLogLines('trace', 'stream'),
  web: captureLogLines('trace', 'web'),
};
const allLines = () => [...logs.messages.lines, ...logs.stream.lines, ...logs.web.lines];
let services: ThreeServices;
let alice: TestUser;
let streamToken: string;

beforeAll(async () => {
  services = await startThreeServices({
    loggers: { messages: logs.messages.logger, stream: logs.stream.logger, web: logs.web.logger },
  });
  const api = createApiClient(services.webUrl);
  alice = await loginUser(api);
  streamToken = (await api.post('/api/stream_token', { token: alice.token })).body.token;
});

afterAll(() => services?.stop());

/** Query strings carrying `token` in every spelling a parser reads (or might) as a token. */
function tokenQueries(token: string): string[] {
  return [
    `token=${token}`,
    `%74oken=${token}`,
    `%74%6F%6B%65%6E=${token}`,
    `token[]=${token}`,
    `token%5B%5D=${token}`,
    `token=x&token=${token}`,
    `access_token=${token}`,
    `%61ccess_token=${token}`,
    `TOKEN=${token}`,
    `lastEventId=${token}`,
    `a=1&token=${encodeURIComponent(token)}&b=2`,
  ];
}

test('When tokens travel in headers, query strings, cookies and broken requests through all three services, then no log line holds any of them', async () => {
  const bases = { messages: services.messagesUrl, stream: services.streamUrl, web: services.webUrl };
  const paths = ['/api/messages', '/api/messages/', '/api/auth_user', '/api/nothing', '/', '/healthz'];
  const markers: string[] = [];
  let n = 0;
  for (const base of Object.values(bases)) {
    for (const token of [alice.token, streamToken]) {
      for (const path of paths) {
        for (const query of tokenQueries(token)) {
          const marker = `m${(n += 1)}`;
          markers.push(marker);
          await rawRequest(base, {
            target: `${path}?${query}&marker=${marker}`,
            headers: { Accept: 'text/event-stream', Cookie: `session=${token}` },
          });
        }
        const marker = `m${(n += 1)}`;
        markers.push(marker);
        await rawRequest(base, {
          method: path === '/' ? 'GET' : 'POST',
          target: `${path}?marker=${marker}`,
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', 'Set-Cookie': `s=${token}` },
        });
      }
      // Refused before any route runs: too long a URL, too large a head, a malformed head.
      await rawRequest(base, { target: `/api/messages?token=${token}&pad=${'p'.repeat(9000)}` });
      await rawRequest(base, {
        target: '/api/messages',
        headers: { Authorization: `Bearer ${token}`, 'X-Pad': 'p'.repeat(20_000) },
      });
      await rawExchange(
        base,
        `GET /api/messages?token=${token} HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nBad Header\r\n\r\n`,
      );
    }
  }
  // Streams log their request line once they are open, after the client saw the head.
  const deadline = Date.now() + 10_000;
  const logged = () => allLines().join('');
  while (markers.some((marker) => !logged().includes(`marker=${marker}`)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(markers.filter((marker) => !logged().includes(`marker=${marker}`))).toEqual([]);

  const text = logged();
  for (const token of [alice.token, streamToken]) {
    const signature = token.split('.')[2]!;
    expect({ token: token.slice(0, 12), hits: text.split(signature).length - 1 }).toEqual({
      token: token.slice(0, 12),
      hits: 0,
    });
  }
});
