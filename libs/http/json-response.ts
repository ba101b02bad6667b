import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { AppError } from './app-error';

/**
 * JSON answers of the services' raw node:http handlers (the web service, the stream
 * endpoint before Koa, requests refused before any handler), in the same shape as the
 * Koa apps' error middleware: `{"error": {"code", "message"}}`. A raw handler answers
 * an error with sendError(res, appError), as a Koa route throws it.
 */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: AppError): void {
  sendJson(res, error.status, errorBody(error.code, error.message), error.headers);
}

/**
 * A complete HTTP/1.1 error response as bytes, for a socket that has no
 * ServerResponse (Node's parser refused the request before one existed). It closes
 * the connection: what follows the refused bytes cannot be parsed.
 */
export function rawErrorResponse(status: number, code: string, message: string): string {
  const text = JSON.stringify(errorBody(code, message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(text)}\r\n` +
    'Connection: close\r\n\r\n' +
    text
  );
}
