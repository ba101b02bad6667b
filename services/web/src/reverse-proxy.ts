import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { AppError, loggableUrl, sendError } from '#libs/http';
import type { Logger } from '#libs/logger';

/**
 * A small reverse proxy over node:http, written here rather than taken from a
 * library because its one hard requirement is Server-Sent Events: the response must
 * be flushed the moment headers arrive and every chunk forwarded as it comes, with
 * no buffering, no compression and no timeout on a stream that may stay open for
 * hours. (http-proxy, the usual choice, has not been released since 2020.)
 *
 * Request bodies, Authorization and Last-Event-ID pass through untouched;
 * hop-by-hop headers (RFC 9110 §7.6.1) are dropped in both directions.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface ReverseProxy {
  forward(req: IncomingMessage, res: ServerResponse): void;
  /** Closes idle upstream sockets (open streams end when their clients or the upstream close them). */
  close(): void;
}

/** `onError` is told of every request that failed to reach the upstream (for the metrics). */
export function createReverseProxy(target: string, logger: Logger, onError: () => void = () => {}): ReverseProxy {
  const upstream = new URL(target);
  // An agent timeout is what makes Node honour the upstream's `Keep-Alive: timeout=5`
  // hint (it closes an idle socket a second before the server would). Without one, an
  // idle kept-alive socket lives until the server closes it, and a request sent on it
  // in that instant fails with ECONNRESET: a 502 for a healthy upstream. The timeout
  // only closes idle sockets; a quiet event stream is not cut.
  const agent = new http.Agent({ keepAlive: true, timeout: 60_000 });

  function forward(req: IncomingMessage, res: ServerResponse) {
    const headers = withoutHopByHop(req.headers, req.headers.connection);
    const remote = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for']
      ? `${String(req.headers['x-forwarded-for'])}, ${remote}`
      : remote;
    headers['x-forwarded-proto'] = req.headers['x-forwarded-proto'] ?? 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers['x-forwarded-host'] ?? req.headers.host;
    headers.host = upstream.host;

    const outgoing = http.request({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    });

    let clientGone = false;
    outgoing.on('response', (incoming) => {
      const streaming = (incoming.headers['content-type'] ?? '').startsWith('text/event-stream');
      res.writeHead(
        incoming.statusCode ?? 502,
        incoming.statusMessage,
        withoutHopByHop(incoming.headers, incoming.headers.connection),
      );
      if (streaming) {
        // Send the headers now: the browser's EventSource reports `open` on them, and an
        // idle stream may not carry a byte for many seconds.
        res.flushHeaders();
        res.socket?.setNoDelay(true);
      }
      // pipeline destroys the client response when the upstream dies mid-stream, so the
      // browser sees a dropped connection (and EventSource reconnects with Last-Event-ID)
      // instead of a response that never ends.
      pipeline(incoming, res, () => {});
    });

    outgoing.on('error', (error) => {
      // A client that left first destroyed the upstream request itself: not the upstream's failure.
      if (clientGone) return;
      onError();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      logger.warn(
        { err: error.message, url: loggableUrl(req.url ?? ''), upstream: upstream.origin },
        'upstream unavailable',
      );
      sendError(res, new AppError(502, 'bad_gateway', 'The upstream service is unavailable'));
    });

    // A client that goes away (closed tab, EventSource.close()) ends the upstream
    // request too, so the stream service releases its connection at once.
    res.on('close', () => {
      if (res.writableFinished || outgoing.destroyed) return;
      clientGone = true;
      outgoing.destroy();
    });

    pipeline(req, outgoing, (error) => {
      if (error && !outgoing.destroyed) outgoing.destroy(error);
    });
  }

  return { forward, close: () => agent.destroy() };
}

function withoutHopByHop(headers: http.IncomingHttpHeaders, connection: string | undefined): http.OutgoingHttpHeaders {
  // Headers named in Connection are hop-by-hop too.
  const named = new Set((connection ?? '').split(',').map((name) => name.trim().toLowerCase()));
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}
