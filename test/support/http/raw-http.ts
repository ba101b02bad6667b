import net from 'node:net';

/**
 * HTTP/1.1 over a bare socket, for requests no well-behaved client sends: request
 * targets exactly as written (doubled slashes, dot segments, absolute form, bytes
 * fetch would escape), oversized or malformed heads, any method. Each request has a
 * connection of its own (`Connection: close`), so the answer ends when the socket does.
 */
export interface RawResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** The body, de-chunked; empty for HEAD and for a stream (which is closed once its head arrived). */
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  /** The request target, sent as is. */
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends a request built from parts (Host, Connection: close and Content-Length are added). */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const { method = 'GET', target, headers = {}, body } = request;
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${new URL(baseUrl).host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  // The head byte for byte as written (latin1), the body as UTF-8.
  const bytes = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body ?? '')]);
  return rawExchange(baseUrl, bytes, method === 'HEAD');
}

/** Sends `bytes` exactly as given (a string as latin1) and reads one response. */
export function rawExchange(baseUrl: string, bytes: string | Buffer, head = false): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (streaming: boolean) => {
      if (settled) return;
      const received = Buffer.concat(chunks);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) {
        if (streaming) return;
        settled = true;
        reject(new Error(`no response head (got ${JSON.stringify(received.toString('latin1').slice(0, 200))})`));
        return;
      }
      const [statusLine = '', ...headerLines] = received.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const isStream = (headers['content-type'] ?? '').startsWith('text/event-stream');
      // A stream never ends by itself: its head is all a test needs.
      if (streaming && !isStream) return;
      settled = true;
      if (isStream) socket.destroy();
      const rawBody = received.subarray(headEnd + 4);
      const text =
        head || isStream
          ? ''
          : (headers['transfer-encoding'] === 'chunked' ? dechunk(rawBody) : rawBody).toString('utf8');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text, json: parseJson(headers, text) });
    };
    socket.on('connect', () => socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      finish(true);
    });
    // A server may reset a connection whose request it refused before reading all of it;
    // what it answered first still counts.
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
  });
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseJson(headers: Record<string, string>, text: string): unknown {
  if (!(headers['content-type'] ?? '').includes('json') || !text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** True when `json` is the services' error shape, `{"error":{"code","message"}}`. */
export function isJsonError(json: unknown): boolean {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}
