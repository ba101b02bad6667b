import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { createConditionWaiters } from './stream-condition-waiters';

/** One parsed SSE frame (comments are collected apart). */
export interface SseFrame {
  id?: string;
  /** "message" when the frame has no `event:` field, as EventSource reports it. */
  event: string;
  data: string;
  retry?: number;
  /** Milliseconds since the stream was opened. */
  at: number;
}

export interface SseComment {
  text: string;
  at: number;
}

/**
 * An SSE client on bare `node:http`: no automatic reconnect and no hidden state, so a
 * test sees exactly what the server wrote (status, headers, comments, retry lines),
 * can pause the socket to play a slow client, and knows when the server ended it.
 */
export interface RawStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as received, for error responses and exact-format checks. */
  text(): string;
  frames: SseFrame[];
  comments: SseComment[];
  /**
   * Events (frames with data), in order. Without a type: every event but `ready`, the
   * stream's opening handshake (ask for `events('ready')` or `ready()` to see it), so
   * a count of events is a count of what was delivered.
   */
  events(type?: string): SseFrame[];
  /** The `ready` frame (the stream's starting cursor), once it arrived. */
  ready(): SseFrame | undefined;
  waitForReady(timeoutMs?: number): Promise<SseFrame>;
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  waitForEvents(count: number, type?: string, timeoutMs?: number): Promise<SseFrame[]>;
  /** Resolves when the response ends or the connection closes. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Stops reading from the socket, so the server's writes pile up. */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface RawStreamOptions {
  token?: string;
  /** Sent as `Authorization: Bearer`; otherwise `token` goes in the query. */
  tokenInHeader?: boolean;
  lastEventId?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  accept?: string | null;
  path?: string;
  /** Called with each frame as it is parsed (for clients that act on frames as they come). */
  onFrame?: (frame: SseFrame) => void;
}

export function openRawStream(baseUrl: string, options: RawStreamOptions = {}): Promise<RawStream> {
  const url = new URL(options.path ?? '/api/messages', baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (options.accept !== null) headers.Accept = options.accept ?? 'text/event-stream';
  if (options.token !== undefined) {
    if (options.tokenInHeader === false) url.searchParams.set('token', options.token);
    else headers.Authorization = `Bearer ${options.token}`;
  }
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = options.lastEventId;
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);

  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) =>
      resolve(wrap(response, request, options.onFrame)),
    );
    request.on('error', reject);
  });
}

function wrap(
  response: IncomingMessage,
  request: http.ClientRequest,
  onFrame: ((frame: SseFrame) => void) | undefined,
): RawStream {
  const opened = Date.now();
  const frames: SseFrame[] = [];
  const comments: SseComment[] = [];
  let raw = '';
  let pendingText = '';
  let ended = false;
  const waiters = createConditionWaiters();
  const notify = () => waiters.notify();

  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    raw += chunk;
    pendingText += chunk;
    let boundary: number;
    while ((boundary = pendingText.indexOf('\n\n')) >= 0) {
      parseBlock(pendingText.slice(0, boundary), Date.now() - opened);
      pendingText = pendingText.slice(boundary + 2);
    }
    notify();
  });
  const ended$ = new Promise<void>((resolve) => {
    const finish = () => {
      if (ended) return;
      ended = true;
      resolve();
      notify();
    };
    response.on('end', finish);
    response.on('close', finish);
    response.on('error', finish);
    request.on('close', finish);
  });

  function parseBlock(block: string, at: number) {
    const frame: SseFrame = { event: 'message', data: '', at };
    let hasField = false;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comments.push({ text: line.slice(1).trim(), at });
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      hasField = true;
      if (field === 'id') frame.id = value;
      else if (field === 'event') frame.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') frame.retry = Number(value);
    }
    frame.data = data.join('\n');
    if (!hasField) return;
    frames.push(frame);
    onFrame?.(frame);
  }

  const stream: RawStream = {
    status: response.statusCode ?? 0,
    headers: response.headers,
    text: () => raw,
    frames,
    comments,
    events: (type) =>
      frames.filter((f) => f.data !== '' && (type === undefined ? f.event !== 'ready' : f.event === type)),
    ready: () => frames.find((f) => f.event === 'ready'),
    async waitForReady(timeoutMs) {
      await stream.waitFor(() => stream.ready() !== undefined, 'the ready frame', timeoutMs);
      return stream.ready()!;
    },
    waitFor: (condition, what, timeoutMs = 10_000) =>
      waiters.waitFor(condition, what, timeoutMs, () => `got ${frames.length} frames`),
    async waitForEvents(count, type, timeoutMs) {
      await stream.waitFor(() => stream.events(type).length >= count, `${count} ${type ?? 'any'} events`, timeoutMs);
      return stream.events(type);
    },
    ended: ended$,
    isEnded: () => ended,
    pause: () => {
      response.pause();
      // Also stop the socket from being read into Node's buffers.
      response.socket?.pause();
    },
    resume: () => {
      response.socket?.resume();
      response.resume();
    },
    close: () => request.destroy(),
  };
  return stream;
}
