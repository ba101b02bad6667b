import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '#libs/logger';
import { rawErrorResponse } from './json-response';
import { MAX_HEADER_BYTES, MAX_URL_BYTES } from './request-limits';

interface ClientError extends Error {
  code?: string;
  /** The bytes the parser was reading: the request's head, Authorization included. Never logged. */
  rawPacket?: Buffer;
}

interface Answer {
  status: number;
  code: string;
  message: string;
}

// A socket whose answer is written is given this long to read it before it is cut.
const CLOSE_AFTER_MS = 2000;

/**
 * The services' `clientError` listener: Node's HTTP parser refused a request (a head
 * over MAX_HEADER_BYTES, a malformed request line or header, a head that took too
 * long) before any request handler ran. Node's default answer has an empty body; this
 * one has the JSON error shape, written straight to the socket (there is no
 * ServerResponse yet), and then the connection is closed, as Node's documentation
 * for 'clientError' asks.
 */
export function answerClientError(error: ClientError, socket: Duplex, logger: Logger): void {
  const answer = answerFor(error);
  // The code only: the error's rawPacket holds the request's bytes, tokens included.
  logger.info({ code: error.code, status: answer?.status }, 'request refused by the HTTP parser');
  // Node's own rule (socketOnError in lib/_http_server.js): answer only when no
  // response on this connection has started, or the answer would corrupt it.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (!answer || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(answer.status, answer.code, answer.message));
  const timer = setTimeout(() => socket.destroy(), CLOSE_AFTER_MS);
  socket.once('close', () => clearTimeout(timer));
}

function answerFor(error: ClientError): Answer | undefined {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(error.rawPacket)
        ? { status: 414, code: 'uri_too_long', message: `The URL is longer than ${MAX_URL_BYTES} bytes` }
        : {
            status: 431,
            code: 'headers_too_large',
            message: `The request head is larger than ${MAX_HEADER_BYTES / 1024} KB`,
          };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'Chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'The request took too long to arrive' };
    case 'ECONNRESET':
    case undefined:
      // The client is gone, or the socket failed: nobody to answer.
      return undefined;
    default:
      return error.code.startsWith('HPE_')
        ? { status: 400, code: 'bad_request', message: 'Malformed HTTP request' }
        : undefined;
  }
}

/**
 * Node counts the request line in its header limit, so a URL over the limit arrives
 * here as a header overflow. When the packet the parser was reading starts the
 * request and its first line is longer than a URL may be, the URL is what overflowed.
 */
function requestLineTooLong(packet: Buffer | undefined): boolean {
  if (!packet || !/^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const lineEnd = packet.indexOf('\r\n');
  return lineEnd < 0 || lineEnd > MAX_URL_BYTES;
}
