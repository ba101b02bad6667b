import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';

/**
 * The load generators' client for `POST /api/conversations/:id/messages` (the product
 * and the raw write baseline serve the same path): undici's `Pool.request`, keep-alive,
 * one request per connection at a time and as many connections as requests in flight,
 * as Node's fetch had. Not fetch itself: on this machine fetch cost the generator about
 * 480 µs of CPU per request against undici's 70, so at 1,000 POST/s the generator took
 * half a core from the two the product is measured on (bench/README.md, "Bench fix: the
 * load generators post through undici's Pool, not fetch").
 *
 * Each message carries a fresh `clientId`, as the web app's sends do (its outbox retries
 * with it): the product's send then checks it against the sender's earlier ones, as it
 * does for every browser's message.
 */
export function createMessagePoster(baseUrl: string) {
  const pool = new Pool(baseUrl);
  return {
    /** Resolves when the message is stored (201); rejects with the status otherwise. */
    async post(conversationId: string, token: string, content: string): Promise<void> {
      const { statusCode, body } = await pool.request({
        path: `/api/conversations/${conversationId}/messages`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ content, clientId: randomUUID() }),
      });
      // Read to the end, so the connection is free for the next request; decoded only to report an error.
      if (statusCode === 201) return body.dump();
      throw new Error(`status ${statusCode}: ${(await body.text()).slice(0, 200)}`);
    },
    close: () => pool.close(),
  };
}

export type MessagePoster = ReturnType<typeof createMessagePoster>;
