import http from 'node:http';
import { Redis } from 'ioredis';
import { createEventChannels } from '#libs/events';
import { LISTEN_BACKLOG } from '#libs/http';

/**
 * The raw baseline: the thinnest Node process that does the product's job, as the
 * ceiling of this machine. One ioredis subscriber, one channel per user, bare
 * node:http SSE writes. No auth, no resume, no heartbeat, no backpressure handling.
 *
 *   GET /events?user=<id>   an SSE stream of that user's channel
 *   GET /healthz            200
 *
 * Env: PORT, REDIS_URL, EVENTS_PREFIX.
 */
const port = Number(process.env.PORT ?? 3101);
const channels = createEventChannels(process.env.EVENTS_PREFIX ?? 'messenger');
const subscriber = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const streamsByChannel = new Map<string, Set<http.ServerResponse>>();

subscriber.on('message', (channel: string, message: string) => {
  const streams = streamsByChannel.get(channel);
  if (!streams) return;
  const frame = `data: ${message}\n\n`;
  for (const stream of streams) stream.write(frame);
});

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') {
    response.end('ok');
    return;
  }
  const user = url.searchParams.get('user');
  if (url.pathname !== '/events' || !user) {
    response.statusCode = 404;
    response.end();
    return;
  }
  const channel = channels.userChannel(user);
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  response.flushHeaders();
  let streams = streamsByChannel.get(channel);
  if (!streams) {
    streams = new Set();
    streamsByChannel.set(channel, streams);
    void subscriber.subscribe(channel);
  }
  streams.add(response);
  response.on('close', () => {
    streams.delete(response);
    if (streams.size === 0 && streamsByChannel.get(channel) === streams) {
      streamsByChannel.delete(channel);
      void subscriber.unsubscribe(channel);
    }
  });
});

server.keepAliveTimeout = 0;
server.requestTimeout = 0;
// The accept queue the product's services have (libs/http/listen.ts), so connects compare on equal terms.
server.listen({ port, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
process.on('SIGTERM', () => process.exit(0));
