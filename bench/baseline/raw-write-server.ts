import { createSecretKey } from 'node:crypto';
import http from 'node:http';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { createEventChannels } from '#libs/events';
import {
  SEND_STATEMENT,
  SEND_STATEMENT_NAME,
  type SentMessageRow,
} from '../../services/messages/src/data/send-statement';

/**
 * The raw write baseline: the thinnest node:http + pg process doing the product's send,
 * as the ceiling of the service layer on this machine. The same work and durability as
 * `POST /api/conversations/:id/messages`: the JWT verified with jsonwebtoken (HS256, a
 * KeyObject made once, audience `session`), then the product's own send statement
 * (membership, lock, insert, pointer, read marker, counters and outbox rows; one round
 * trip, prepared, synchronous_commit as the server has it), 201 with the message. Its
 * outbox is relayed like the product's: after each commit a nudge, one cycle at a time
 * (rows taken with DELETE ... RETURNING, SKIP LOCKED, one Redis pipeline of PUBLISHes,
 * commit). No framework, no validation beyond a JSON object with a string `content` and
 * an optional UUID `clientId` (the retry key, as the product takes it; a retried send is
 * not looked up: the load never retries), no normalisation, no logging, no metrics.
 *
 *   POST /api/conversations/:id/messages   {content, clientId?}
 *   GET  /healthz                          200
 *
 * Env: PORT, DATABASE_URL, REDIS_URL, JWT_SECRET, EVENTS_PREFIX, POOL_SIZE (10, the product's).
 */
const port = Number(process.env.PORT ?? 3102);
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? 'development-secret'));
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const relayPool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const channels = createEventChannels(process.env.EVENTS_PREFIX ?? 'messenger');
const PATH = /^\/api\/conversations\/([1-9]\d{0,17})\/messages$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function answer(response: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function userOf(authorization: string | undefined): string | undefined {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (!token) return undefined;
  try {
    const payload = jwt.verify(token, key, { algorithms: ['HS256'], audience: 'session' });
    return typeof payload === 'object' && typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

async function send(
  conversationId: string,
  senderId: string,
  content: string,
  clientId: string | null,
): Promise<SentMessageRow | undefined> {
  const { rows } = await pool.query<SentMessageRow>({
    name: SEND_STATEMENT_NAME,
    text: SEND_STATEMENT,
    values: [conversationId, senderId, content, clientId],
  });
  return rows[0];
}

// The relay: one cycle at a time; a nudge during a cycle asks for one more.
let relaying = false;
let again = false;

async function relayCycle(): Promise<number> {
  const client = await relayPool.connect();
  try {
    const results = (await client.query(
      `BEGIN;
       SET LOCAL synchronous_commit TO off;
       WITH claimed AS (
         SELECT user_id, seq FROM outbox_events ORDER BY created_at, user_id, seq LIMIT 500 FOR UPDATE SKIP LOCKED
       ), taken AS (
         DELETE FROM outbox_events o USING claimed c WHERE o.user_id = c.user_id AND o.seq = c.seq RETURNING o.*
       )
       SELECT t.user_id, t.seq, t.created_at AS ts, m.id, m.content, m.user_id AS sender_id, m.conversation_id,
              m.created_at
       FROM taken t JOIN messages m ON m.id = t.message_id`,
    )) as unknown as pg.QueryResult[];
    const rows = results[2]!.rows;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      const data = {
        id: row.id,
        content: row.content,
        userId: row.sender_id,
        conversationId: row.conversation_id,
        createdAt: row.created_at.toISOString(),
        mine: row.sender_id === row.user_id,
      };
      pipeline.publish(
        channels.userChannel(row.user_id),
        JSON.stringify({ type: 'message', seq: Number(row.seq), ts: row.ts.getTime(), data }),
      );
    }
    if (rows.length) await pipeline.exec();
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function nudge() {
  if (relaying) {
    again = true;
    return;
  }
  relaying = true;
  again = false;
  relayCycle()
    .catch((error: Error) => process.stderr.write(`raw write relay: ${error.message}\n`))
    .finally(() => {
      relaying = false;
      if (again) nudge();
    });
}
setInterval(nudge, 500).unref();

const server = http.createServer((request, response) => {
  if (request.url === '/healthz') {
    answer(response, 200, { status: 'ok' });
    return;
  }
  const match = request.method === 'POST' ? PATH.exec(request.url ?? '') : null;
  if (!match) {
    answer(response, 404, { error: { code: 'not_found' } });
    return;
  }
  const senderId = userOf(request.headers.authorization);
  if (!senderId) {
    answer(response, 401, { error: { code: 'token_invalid' } });
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let body: { content?: unknown; clientId?: unknown } | undefined;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      body = undefined;
    }
    const content = body?.content;
    const clientId = body?.clientId ?? null;
    const validClientId = clientId === null || (typeof clientId === 'string' && UUID.test(clientId));
    if (typeof content !== 'string' || content.length === 0 || !validClientId) {
      answer(response, 422, { error: { code: 'validation_failed' } });
      return;
    }
    send(match[1]!, senderId, content, clientId).then(
      (row) => {
        if (!row) return answer(response, 404, { error: { code: 'not_found' } });
        nudge();
        answer(response, 201, {
          id: row.id,
          content: row.content,
          userId: row.user_id,
          conversationId: row.conversation_id,
          createdAt: row.created_at.toISOString(),
          mine: true,
        });
      },
      (error: Error) => answer(response, 500, { error: { code: 'internal', message: error.message } }),
    );
  });
});

server.listen(port, '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    void Promise.allSettled([pool.end(), relayPool.end(), redis.quit()]).then(() => process.exit(0));
  });
}
