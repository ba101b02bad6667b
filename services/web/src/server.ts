import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Config } from '../../../libs/config/config';
import { createLogger, type Logger } from '../../../libs/logger/logger';
import { closeServer, listen } from '../../../libs/http/listen';
import { redactUrlTokens } from '../../../libs/http/request-logger';
import { createReverseProxy } from './reverse-proxy';
import { createStaticFiles } from './static-files';

/**
 * The browser's one origin: the built frontend, the stream service at
 * /api/messages and the messages service at every other /api path.
 *
 * Same origin on purpose: the page needs no CORS (so no origin list to keep right),
 * the session token is only ever sent to the origin that issued it, and nothing
 * relies on cookies (the token travels in Authorization headers, and only a
 * short-lived stream token goes into the EventSource URL).
 */
export interface WebDeps {
  logger?: Logger;
  /** Directory with the built frontend. Defaults to services/web/dist. */
  staticDir?: string;
}

export const DEFAULT_STATIC_DIR = path.resolve(__dirname, '../dist');

const STREAM_PATH = '/api/messages';

export async function start(config: Config, deps: WebDeps = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const logger = deps.logger ?? createLogger({ name: 'web', level: config.logLevel });
  const staticFiles = createStaticFiles(deps.staticDir ?? DEFAULT_STATIC_DIR);
  const streamProxy = createReverseProxy(config.web.streamUrl, logger);
  const messagesProxy = createReverseProxy(config.web.messagesUrl, logger);

  if (!(await staticFiles.ready())) {
    logger.warn({ dir: deps.staticDir ?? DEFAULT_STATIC_DIR }, 'no built frontend found: run npm run build:web');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (pathname === STREAM_PATH) return streamProxy.forward(req, res);
    if (pathname.startsWith('/api/')) return messagesProxy.forward(req, res);
    if (pathname === '/healthz') {
      const ok = await staticFiles.ready();
      return sendJson(res, ok ? 200 : 503, ok ? { status: 'ok' } : { status: 'unavailable', failed: ['static files'] });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(
        res,
        405,
        { error: { code: 'method_not_allowed', message: `${req.method} is not allowed here` } },
        { allow: 'GET, HEAD' },
      );
    }
    await staticFiles.serve(req, res);
  }

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug(
        { method: req.method, url: redactUrlTokens(req.url ?? ''), status: res.statusCode, ms: Math.round(ms) },
        'request',
      );
    });
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: redactUrlTokens(req.url ?? '') }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal server error' } });
      else res.destroy();
    });
  });
  // Event streams stay open for as long as the tab does; only the request head has a deadline.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;

  const url = await listen(server, config.web.port, config.host);
  logger.info({ url, messages: config.web.messagesUrl, stream: config.web.streamUrl }, 'web listening');

  return {
    url,
    async stop() {
      const closed = closeServer(server);
      // Open event streams would keep close() waiting for ever: end them, the browser reconnects elsewhere.
      server.closeAllConnections();
      await closed;
      streamProxy.close();
      messagesProxy.close();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
