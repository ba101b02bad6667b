import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventEnvelope } from '#libs/events';
import { SseConnection } from '../src/sse-connection';
import { StreamTallies } from '../src/stream-metrics';
import { toEphemeralFrame, toFanOutEvent } from '../src/sse-frames';

// SseConnection's ordering on its own, without Redis: a real response on a loopback
// server, events fed to it by hand, and the ids the client received read back in order.
const EPOCH = '1764089912345678';
let server: http.Server;
let url: string;
let nextResponse: ((res: ServerResponse) => void) | undefined;

beforeAll(async () => {
  server = http.createServer((_req, res) => nextResponse?.(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function envelope(seq: number): EventEnvelope {
  const cursor = `${EPOCH}:${seq}`;
  return { type: 'message', cursor, epoch: EPOCH, seq, ts: 0, data: JSON.stringify({ seq }) };
}

const live = (seq: number) => toFanOutEvent(envelope(seq));

/** Opens a connection resuming from `seq` and the body its client will have read once it ends. */
async function openConnection(seq: number, onGap: (connection: SseConnection) => void = () => {}) {
  const opened = new Promise<SseConnection>((resolve) => {
    nextResponse = (res) => {
      const connection = new SseConnection(res, '1', `${EPOCH}:${seq}`, {
        retryMs: 1000,
        maxBufferedBytes: 1024 * 1024,
        tallies: new StreamTallies(),
        onGap,
      });
      connection.open();
      resolve(connection);
    };
  });
  const body = new Promise<string>((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  return { connection: await opened, body };
}

/** The ids of the events the client received, in order (the `ready` frame aside). */
function eventIds(body: string): string[] {
  return body
    .split('\n\n')
    .filter((frame) => frame.includes('data:') && !frame.includes('event: ready'))
    .map((frame) => /^id: (.+)$/m.exec(frame)![1]!);
}

const ids = (...seqs: number[]) => seqs.map((seq) => `${EPOCH}:${seq}`);

test('When live events repeat or come back older, then each is written once, in order', async () => {
  const { connection, body } = await openConnection(2);
  connection.beginCatchUp();
  connection.replay([]);
  connection.goLive();

  for (const seq of [3, 3, 4, 2, 5, 4]) connection.deliver(live(seq));
  connection.end('', 'client_gone');

  expect(eventIds(await body)).toEqual(ids(3, 4, 5));
});

test('When live events arrive while catching up, then they wait for the replay and none is written twice', async () => {
  const { connection, body } = await openConnection(2);
  connection.beginCatchUp();
  // Subscribed before the log is read: these arrive first, and 4 is in the log too.
  connection.deliver(live(4));
  connection.deliver(live(5));
  expect(connection.state).toBe('catching-up');

  connection.replay([envelope(3), envelope(4)]);
  connection.goLive();
  expect(connection.state).toBe('live');
  connection.deliver(live(6));
  connection.end('', 'client_gone');

  expect(eventIds(await body)).toEqual(ids(3, 4, 5, 6));
});

test('When a live event skips one, then the connection goes back to catching up and the hole is filled first', async () => {
  const gaps: SseConnection[] = [];
  const { connection, body } = await openConnection(2, (gapped) => gaps.push(gapped));
  connection.beginCatchUp();
  connection.replay([]);
  connection.goLive();

  connection.deliver(live(4));
  expect({ state: connection.state, gaps: gaps.length }).toEqual({ state: 'catching-up', gaps: 1 });

  connection.beginCatchUp();
  connection.replay([envelope(3), envelope(4)]);
  connection.goLive();
  connection.end('', 'client_gone');

  expect(eventIds(await body)).toEqual(ids(3, 4));
  expect(connection.lastCursor).toBe(`${EPOCH}:4`);
});

test('When an ephemeral event comes while the connection catches up, then it is dropped, not buffered; once live it is written at once, without an id, and the cursor stays', async () => {
  const typing = (userId: string) =>
    toEphemeralFrame({ type: 'typing', ts: Date.now(), data: JSON.stringify({ conversationId: '7', userId }) });
  const { connection, body } = await openConnection(2);
  connection.beginCatchUp();
  connection.deliverEphemeral(typing('during catch-up'));
  connection.replay([envelope(3)]);
  connection.goLive();
  connection.deliverEphemeral(typing('live'));
  connection.deliver(live(4));
  connection.end('', 'client_gone');

  const frames = (await body).split('\n\n').filter((frame) => frame.includes('data:') && !frame.includes('ready'));
  expect(frames).toEqual([
    `id: ${EPOCH}:3\ndata: {"seq":3}`,
    'event: typing\ndata: {"conversationId":"7","userId":"live"}',
    `id: ${EPOCH}:4\ndata: {"seq":4}`,
  ]);
  expect(connection.lastCursor).toBe(`${EPOCH}:4`);
});
