import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import {
  closeServer,
  createHttpServer,
  errorBody,
  listen,
  logRequest,
  requestPath,
  sendJson,
  sendUnservedMethodAnswer,
} from '#libs/http';
import type { Logger } from '#libs/logger';

export const METRICS_PATH = '/metrics';
const METRICS_METHODS = ['GET', 'HEAD'];

export interface MetricsEndpoint {
  /**
   * On the service's own port: answers `/metrics` and returns true, or returns false
   * for any other request (and for every request when metrics have a port of their own).
   */
  intercept(req: IncomingMessage, res: ServerResponse): boolean;
  /** The separate metrics server's URL when `port` was given. */
  url: string | undefined;
  stop(): Promise<void>;
}

export interface MetricsEndpointOptions {
  logger: Logger;
  /** METRICS_PORT: serve `/metrics` there (and nowhere else) instead of on the service's port. */
  port: number | undefined;
  host: string;
}

/**
 * `GET /metrics` in the Prometheus text format. Scrapes are logged at debug: a scraper
 * polling every few seconds would otherwise drown the request log.
 */
export async function createMetricsEndpoint(
  registry: Registry,
  { logger, port, host }: MetricsEndpointOptions,
): Promise<MetricsEndpoint> {
  function answer(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    res.on('close', () => logRequest(logger, req.method, req.url, res.statusCode, started, 'debug'));
    if (!METRICS_METHODS.includes(req.method ?? '')) {
      return sendUnservedMethodAnswer(res, req.method ?? '', METRICS_METHODS);
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: Error) => {
        logger.error({ err: error.message }, 'metrics collection failed');
        sendJson(res, 500, errorBody('internal', 'Internal server error'));
      },
    );
  }

  const isMetricsRequest = (req: IncomingMessage) => requestPath(req.url ?? '') === METRICS_PATH;

  if (port === undefined) {
    return {
      intercept(req, res) {
        if (!isMetricsRequest(req)) return false;
        answer(req, res);
        return true;
      },
      url: undefined,
      stop: async () => {},
    };
  }

  const server = createHttpServer(
    (req, res) => {
      if (isMetricsRequest(req)) return answer(req, res);
      sendJson(res, 404, errorBody('not_found', `Only ${METRICS_PATH} is served on this port`));
    },
    { logger },
  );
  const url = await listen(server, port, host);
  return { intercept: () => false, url, stop: () => closeServer(server) };
}
