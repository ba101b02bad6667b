import { STREAM_PATH } from '#libs/contract';
import { requestPath } from './request-target';

/**
 * The one test of "is this request for the stream": the stream service's raw
 * endpoint, its Koa fallback and the web service's proxy all ask it, so a path
 * that one of them treats as the stream is the stream for all of them. Exactly
 * `/api/messages`, any query; every other spelling is another (unknown) path.
 */
export function isStreamPath(target: string): boolean {
  return requestPath(target) === STREAM_PATH;
}
