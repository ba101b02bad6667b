import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Config } from '#libs/config';
import {
  AppError,
  createHttpServer,
  sendError,
  sendJson,
  closeServer,
  listen,
  loggableUrl,
  logRequest,
  requestPath,
  sendUnservedMethodAnswer,
  isStreamPath,
} from '#libs/http';
import { createLogger, type Logger } from '#libs/logger';
import type { RunningService } from '#libs/service';
import { createMetricsEndpoint, createMetricsRegistry } from '#libs/metrics';
import { isApiPath } from './api-path';
import { createReverseProxy } from './reverse-proxy';
import { createStaticFiles } from './static-files';
import { createWebMetrics, type WebTarget } from './web-metrics';

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

// The web service's own routes (the app's files and /healthz) serve these.
const OWN_METHODS = ['GET', 'HEAD'];

export async function start(config: Config, deps: WebDeps = {}): Promise<RunningService & { metricsUrl: string }> {
  const logger = deps.logger ?? createLogger({ name: 'web', level: config.logLevel, format: config.logFormat });
  const registry = createMetricsRegistry();
  const metrics = createWebMetrics(registry);
  const staticFiles = createStaticFiles(deps.staticDir ?? DEFAULT_STATIC_DIR);
  const streamProxy = createReverseProxy(config.web.streamUrl, logger, () => metrics.proxyFailed('stream'));
  const messagesProxy = createReverseProxy(config.web.messagesUrl, logger, () => metrics.proxyFailed('messages'));

  if (!(await staticFiles.ready())) {
    logger.warn({ dir: deps.staticDir ?? DEFAULT_STATIC_DIR }, 'no built frontend found: run npm run build:web');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = req.url ?? '/';
    // The stream path is decided by the same test the stream service uses.
    if (isStreamPath(target)) return streamProxy.forward(req, res);
    if (isApiPath(target)) return messagesProxy.forward(req, res);
    if (!OWN_METHODS.includes(req.method ?? '')) return sendUnservedMethodAnswer(res, req.method ?? '', OWN_METHODS);
    if (requestPath(target) === '/healthz') {
      const ok = await staticFiles.ready();
      return sendJson(res, ok ? 200 : 503, ok ? { status: 'ok' } : { status: 'unavailable', failed: ['static files'] });
    }
    await staticFiles.serve(req, res);
  }

  const metricsEndpoint = await createMetricsEndpoint(registry, {
    logger,
    port: config.metricsPort,
    host: config.host,
  });
  const server = createHttpServer(
    (req, res) => {
      if (metricsEndpoint.intercept(req, res)) return;
      const started = process.hrtime.bigint();
      const target = targetOf(req.url ?? '/');
      res.on('close', () => {
        metrics.requestAnswered(target, res.statusCode);
        logRequest(logger, req.method, req.url, res.statusCode, started, 'debug');
      });
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: error, url: loggableUrl(req.url ?? '') }, 'request failed');
        if (!res.headersSent) sendError(res, new AppError(500, 'internal', 'Internal server error'));
        else res.destroy();
      });
    },
    // Event streams stay open for as long as the tab does; only the request head has a deadline.
    { logger, requestTimeout: 0, headersTimeout: 30_000 },
  );

  const url = await listen(server, config.web.port, config.host);
  logger.info({ url, messages: config.web.messagesUrl, stream: config.web.streamUrl }, 'listening');

  return {
    url,
    metricsUrl: `${metricsEndpoint.url ?? url}/metrics`,
    async stop() {
      await metricsEndpoint.stop();
      const closed = closeServer(server);
      // Open event streams would keep close() waiting for ever: end them, the browser reconnects elsewhere.
      server.closeAllConnections();
      await closed;
      streamProxy.close();
      messagesProxy.close();
    },
  };
}

function targetOf(target: string): WebTarget {
  if (isStreamPath(target)) return 'stream';
  if (isApiPath(target)) return 'api';
  return requestPath(target) === '/healthz' ? 'healthz' : 'app';
}
