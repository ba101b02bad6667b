/**
 * The limits every service puts on a request before any handler runs (http-server.ts).
 *
 * Headers: 16 KB in all (request line included), Node's default, set explicitly so a
 * `--max-http-header-size` flag cannot move it. That holds a session token and any
 * browser's usual headers many times over; more is refused with 431.
 *
 * URL: 8 KB, the figure RFC 9110 §4.1 recommends senders support at least, and the
 * longest a browser or proxy in front of these services can be relied on to pass. The
 * API's longest legitimate URL (a stream URL with a token and a cursor) is under 1 KB.
 * Longer is refused with 414.
 */
export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_URL_BYTES = 8 * 1024;
