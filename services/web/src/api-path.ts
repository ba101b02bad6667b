import path from 'node:path';
import { requestPath } from '#libs/http';

/**
 * True for every path that looks like the API: `/api` and below, in any case, with
 * doubled slashes, dot segments or percent-encoding. The web service sends those to
 * the messages service (the stream path aside, see stream-path.ts), which answers 404
 * in JSON for what it does not serve, rather than serving the app's HTML in their place.
 */
export function isApiPath(target: string): boolean {
  const normalised = path.posix.normalize(decodeOrKeep(requestPath(target))).toLowerCase();
  return normalised === '/api' || normalised.startsWith('/api/');
}

function decodeOrKeep(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
