import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { createTokenVerifier } from '#libs/auth';
import { LISTEN_BACKLOG } from '#libs/http';

/**
 * The peer a user would pick instead of the product: Socket.IO 4 with its Redis
 * adapter, one room per user, WebSocket only. Events are published from another
 * process with @socket.io/redis-emitter. Connections authenticate with the same
 * JWT as the product's (handshake `auth.token`), as a real deployment would.
 *
 * Env: PORT, REDIS_URL, JWT_SECRET.
 */
const port = Number(process.env.PORT ?? 3102);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tokens = createTokenVerifier({ jwtSecret: process.env.JWT_SECRET ?? '' });

const pub = new Redis(redisUrl);
const sub = pub.duplicate();
const server = http.createServer((request, response) => {
  if (request.url === '/healthz') {
    response.end('ok');
    return;
  }
  // socket.io answers its own path; everything else is not found.
  if (!request.url?.startsWith('/socket.io/')) {
    response.statusCode = 404;
    response.end();
  }
});
const io = new Server(server, { transports: ['websocket'], serveClient: false });
io.adapter(createAdapter(pub, sub));

io.use((socket, next) => {
  try {
    const token = (socket.handshake.auth as { token?: string }).token;
    socket.data.userId = tokens.verify(token, ['session', 'stream']).userId;
    next();
  } catch {
    next(new Error('unauthorized'));
  }
});

io.on('connection', (socket) => {
  void socket.join(`user:${socket.data.userId}`);
});

// The accept queue the product's services have (libs/http/listen.ts), so connects compare on equal terms.
server.listen({ port, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
process.on('SIGTERM', () => process.exit(0));
