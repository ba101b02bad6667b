import { requestPath, requestQuery } from './request-target';

const REDACTED = '[redacted]';

/**
 * A request target fit for a log line, with every secret in it replaced by
 * "[redacted]". Every request log of every service writes URLs through this.
 *
 * It is built from the parsed target, the same parsing the token reader uses
 * (request-target.ts), never by matching the raw string: `?%74oken=` is the `token`
 * parameter to URLSearchParams, so it is redacted like `?token=`. A parameter is
 * secret when its decoded name, lower-cased and without a `[...]` suffix, names a
 * credential (token, access_token, token[], OAuth's code and state, ...), or when its value holds something that looks
 * like a JWT, whatever its name. Path segments that look like a JWT are redacted too. The scheme
 * and authority of an absolute-form target (which may hold user:password) and any
 * fragment are left out.
 */
export function loggableUrl(target: string): string {
  const path = requestPath(target)
    .split('/')
    .map((segment) => (looksLikeJwt(safeDecode(segment)) ? REDACTED : segment))
    .join('/');
  const pairs = [...requestQuery(target)].map(
    ([name, value]) =>
      `${encodeURIComponent(name)}=${isSecretParameter(name, value) ? REDACTED : encodeURIComponent(value)}`,
  );
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}

// Substrings of a lower-cased parameter name that mark its value as a credential.
const SECRET_NAMES = /token|secret|passw|authori[sz]ation|jwt|api_?key|session/;
// Whole names that do: OAuth's authorization code and state (the GitHub sign-in callback).
const SECRET_EXACT_NAMES = new Set(['code', 'state', 'code_verifier']);

export function isSecretParameter(name: string, value: string): boolean {
  const base = name.toLowerCase().replace(/\[.*$/, '');
  return SECRET_NAMES.test(base) || SECRET_EXACT_NAMES.has(base) || looksLikeJwt(value);
}

// header.payload.signature, each base64url; a JWT's header always starts with `{"` (eyJ).
// Anywhere in the value: `Bearer eyJ...` in a query is a token too.
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

function looksLikeJwt(text: string): boolean {
  return JWT.test(text);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
