import type { Logger } from '#libs/logger';
import { loggableUrl } from './loggable-url';

/**
 * The request line every service logs, from Koa or from a raw node:http handler. Below
 * the logger's level it costs one check: the redacted URL is not built for a line that
 * would not be written (a send path logging at `warn` spent ~1.5% of its time on it).
 */
export function logRequest(
  logger: Logger,
  method: string | undefined,
  target: string | undefined,
  status: number,
  started: bigint,
  level: 'info' | 'debug' = 'info',
): void {
  if (!logger.isLevelEnabled(level)) return;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger[level]({ method, url: loggableUrl(target ?? ''), status, ms: Math.round(ms * 10) / 10 }, 'request');
}
