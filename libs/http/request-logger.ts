import type { Logger } from '#libs/logger';
import { loggableUrl } from './loggable-url';

/** The request line every service logs, from Koa or from a raw node:http handler. */
export function logRequest(
  logger: Logger,
  method: string | undefined,
  target: string | undefined,
  status: number,
  started: bigint,
  level: 'info' | 'debug' = 'info',
): void {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger[level]({ method, url: loggableUrl(target ?? ''), status, ms: Math.round(ms * 10) / 10 }, 'request');
}
