/**
 * The parts of a request target (`req.url`) that routing, token reading and logging
 * use, all taken from the raw string by these two functions, so that no two places
 * can disagree about which path a request asked for or what its query holds.
 *
 * The path is not decoded or normalised: `/api/messages/`, `//api/messages`,
 * `/api/%6Dessages` and `/API/messages` are each a path of their own (and none is
 * the stream). An absolute-form target (`GET http://host/path`, which HTTP/1.1 servers
 * must accept) has the same path as its origin form.
 */
export function requestPath(target: string): string {
  const path = target.replace(ABSOLUTE_FORM_PREFIX, '');
  const end = path.search(/[?#]/);
  const raw = end < 0 ? path : path.slice(0, end);
  return raw || '/';
}

/**
 * The query as URLSearchParams decodes it (names too: `%74oken` is `token`); empty
 * when there is none. A fragment (which clients do not send, but a raw request may)
 * is not part of it.
 */
export function requestQuery(target: string): URLSearchParams {
  const hash = target.indexOf('#');
  const head = hash < 0 ? target : target.slice(0, hash);
  const start = head.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : head.slice(start + 1));
}

// scheme://authority — the authority may hold user:password, which is dropped with it.
const ABSOLUTE_FORM_PREFIX = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;
