import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '#libs/logger';
import { answerClientError } from './client-error';
import { sendJson, errorBody } from './json-response';
import { MAX_HEADER_BYTES, MAX_URL_BYTES } from './request-limits';

export interface HttpServerOptions {
  logger: Logger;
  /** Node's requestTimeout; 0 for services whose responses are streams. Defaults to Node's. */
  requestTimeout?: number;
  /** Node's headersTimeout. Defaults to Node's. */
  headersTimeout?: number;
}

/**
 * The node:http server of every service: the request limits (request-limits.ts) and
 * JSON answers for requests refused before `handler` runs, whether Node's parser
 * refused them (clientError: 431, 400, 408) or the URL is too long (414).
 */
export function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  { logger, requestTimeout, headersTimeout }: HttpServerOptions,
): http.Server {
  const server = http.createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      ...(requestTimeout === undefined ? {} : { requestTimeout }),
      ...(headersTimeout === undefined ? {} : { headersTimeout }),
    },
    (req, res) => {
      if ((req.url ?? '').length > MAX_URL_BYTES) {
        logger.info({ method: req.method, urlBytes: req.url?.length, status: 414 }, 'request');
        // Whatever body follows is not read: the connection closes after the answer.
        sendJson(res, 414, errorBody('uri_too_long', `The URL is longer than ${MAX_URL_BYTES} bytes`), {
          connection: 'close',
        });
        return;
      }
      handler(req, res);
    },
  );
  server.on('clientError', (error, socket) => answerClientError(error, socket, logger));
  return server;
}
