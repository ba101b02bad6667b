import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forgetRequestHead } from '../src/stream-request';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';

// An open stream keeps its request for hours (stream-endpoint.ts forgets its head once the
// stream is open): the token it came with must not stay with it.
test('When an open stream forgets its request head, then the request keeps neither the token of its Authorization header nor that of its query', async () => {
  const requests: IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    forgetRequestHead(req);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/messages?token=${TOKEN}&lastEventId=1:2:3`, {
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' },
    });
    await response.arrayBuffer();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  const [req] = requests;
  expect(req!.url).toBe('/api/messages');
  expect(req!.headers).toEqual({});
  expect(req!.rawHeaders).toEqual([]);
});
