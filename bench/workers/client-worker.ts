import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { createHistogram, encodeHistogram, nowMs, type Histogram } from '../harness/latency-histogram';
import { readProbe } from '../harness/probe';
import { serveRpc } from '../harness/worker-rpc';

/**
 * A client load generator: holds a share of the benchmark's connections (SSE over
 * bare node:http, or socket.io-client over WebSocket), checks every event's probe
 * and records publish-to-receipt latency. Runs in its own process, never in the
 * process being measured.
 */
interface ConnectionSpec {
  userIndex: number;
  /** SSE: request path with query; Socket.IO: unused. */
  path?: string;
  /** Sent as `Authorization: Bearer` (SSE) or the handshake's auth token (Socket.IO). */
  token?: string;
}

interface ClientConnection {
  group: Group;
  userIndex: number;
  open: boolean;
  seen: Set<number>;
  received: number;
  close(): void;
}

/**
 * The connections of one system under test. Several systems can hold connections in
 * the same worker at once (the sweep interleaves them), each counted on its own.
 */
interface Group {
  step: number;
  histogram: Histogram;
  connections: ClientConnection[];
  received: number;
  stray: number;
  unreadable: number;
  disconnects: number;
  otherEvents: Record<string, number>;
}

const groups = new Map<string, Group>();

function groupOf(name: string): Group {
  let group = groups.get(name);
  if (!group) {
    group = {
      step: -1,
      histogram: createHistogram(),
      connections: [],
      received: 0,
      stray: 0,
      unreadable: 0,
      disconnects: 0,
      otherEvents: {},
    };
    groups.set(name, group);
  }
  return group;
}

function resetStep(group: Group, step: number) {
  group.step = step;
  group.histogram.destroy();
  group.histogram = createHistogram();
  group.received = 0;
  group.stray = 0;
  group.unreadable = 0;
  group.otherEvents = {};
  for (const connection of group.connections) {
    connection.seen.clear();
    connection.received = 0;
  }
}

function deliver(connection: ClientConnection, event: unknown) {
  const group = connection.group;
  const probe = readProbe(event);
  if (!probe) {
    group.unreadable++;
    return;
  }
  if (probe.step !== group.step) {
    group.stray++;
    return;
  }
  group.received++;
  connection.received++;
  connection.seen.add(probe.seq);
  // The receiver's latency; the sender's own copies (mine: true) are counted, not timed.
  if (!probe.mine) group.histogram.recordValue(Math.max(1, Math.round((nowMs() - probe.sentAt) * 1000)));
}

/** A connection not open yet; `close` ends it the way its transport does. */
function newConnection(group: Group, userIndex: number, close: () => void): ClientConnection {
  return { group, userIndex, open: false, seen: new Set(), received: 0, close };
}

function lost(connection: ClientConnection) {
  if (!connection.open) return;
  connection.open = false;
  connection.group.disconnects++;
}

function openSse(group: Group, baseUrl: URL, spec: ConnectionSpec, timeoutMs: number): Promise<ClientConnection> {
  return new Promise((resolve, reject) => {
    const connection = newConnection(group, spec.userIndex, () => request.destroy());
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (spec.token) headers.Authorization = `Bearer ${spec.token}`;
    const request = http.request({
      host: baseUrl.hostname,
      port: baseUrl.port,
      path: spec.path ?? '/',
      headers,
      agent: false,
    });
    const timer = setTimeout(() => request.destroy(new Error('connect timeout')), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      if (connection.open) lost(connection);
      else reject(error);
    });
    request.on('response', (response) => {
      clearTimeout(timer);
      if (response.statusCode !== 200) {
        response.resume();
        request.destroy();
        return reject(new Error(`status ${response.statusCode}`));
      }
      connection.open = true;
      resolve(connection);
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let start = 0;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          onFrame(connection, buffer.slice(start, end));
          start = end + 2;
          end = buffer.indexOf('\n\n', start);
        }
        if (start > 0) buffer = buffer.slice(start);
      });
      response.on('close', () => lost(connection));
    });
    request.end();
  });
}

function onFrame(connection: ClientConnection, frame: string) {
  if (frame.charCodeAt(0) === 58) return; // ": ping" comment
  let data: string | undefined;
  let event = 'message';
  for (const line of frame.split('\n')) {
    if (line.startsWith('data:')) data = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
    else if (line.startsWith('event:')) event = line.slice(6).trim();
  }
  if (data === undefined) return; // retry: or id-only frames
  if (event !== 'message') {
    connection.group.otherEvents[event] = (connection.group.otherEvents[event] ?? 0) + 1;
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    connection.group.unreadable++;
    return;
  }
  deliver(connection, parsed);
}

function openSocketIo(group: Group, baseUrl: URL, spec: ConnectionSpec, timeoutMs: number): Promise<ClientConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(baseUrl.origin, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
      auth: { token: spec.token },
    });
    const connection = newConnection(group, spec.userIndex, () => socket.disconnect());
    socket.on('message', (data: unknown) => deliver(connection, data));
    socket.once('connect', () => {
      connection.open = true;
      resolve(connection);
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.on('disconnect', () => lost(connection));
  });
}

async function connect(params: {
  group: string;
  kind: 'sse' | 'socketio';
  url: string;
  specs: ConnectionSpec[];
  concurrency: number;
  timeoutMs: number;
}) {
  const group = groupOf(params.group);
  const baseUrl = new URL(params.url);
  const open = params.kind === 'sse' ? openSse : openSocketIo;
  const started = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const opened: ClientConnection[] = [];
  async function lane() {
    while (next < params.specs.length) {
      const spec = params.specs[next++]!;
      try {
        opened.push(await open(group, baseUrl, spec, params.timeoutMs));
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(params.concurrency, params.specs.length) }, lane));
  group.connections.push(...opened);
  return { opened: opened.length, failed, firstError, ms: performance.now() - started };
}

function endStep(params: { group: string; expectedPerUser: number[] }) {
  const group = groupOf(params.group);
  let distinct = 0;
  let missing = 0;
  let unexpected = 0;
  let received = 0;
  for (const connection of group.connections) {
    const expected = params.expectedPerUser[connection.userIndex] ?? 0;
    distinct += connection.seen.size;
    received += connection.received;
    missing += Math.max(0, expected - connection.seen.size);
    unexpected += Math.max(0, connection.seen.size - expected);
  }
  return {
    received,
    distinct,
    missing,
    duplicates: received - distinct,
    unexpected,
    stray: group.stray,
    unreadable: group.unreadable,
    disconnects: group.disconnects,
    otherEvents: group.otherEvents,
    openConnections: group.connections.filter((c) => c.open).length,
    histogram: encodeHistogram(group.histogram),
  };
}

function closeGroup(params: { group: string }) {
  const group = groups.get(params.group);
  if (!group) return { closed: 0 };
  for (const connection of group.connections) {
    connection.open = false;
    connection.close();
  }
  group.histogram.destroy();
  groups.delete(params.group);
  return { closed: group.connections.length };
}

serveRpc({
  ping: () => ({ pid: process.pid }),
  connect,
  beginStep: ({ group, step }: { group: string; step: number }) => resetStep(groupOf(group), step),
  progress: ({ group }: { group: string }) => ({ received: groupOf(group).received }),
  endStep,
  closeGroup,
});
