import { notFound } from '#libs/http';

/** A positive BIGINT as the API writes it: no sign, no leading zero, at most 19 digits. */
export const ID_PATTERN = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 9223372036854775807n;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value) && BigInt(value) <= MAX_BIGINT;
}

/** An id taken from a path: anything that cannot be an id names nothing, so 404 (never 500). */
export function pathId(value: string | undefined, what = 'Conversation'): string {
  if (!isId(value)) throw notFound(`${what} not found`);
  return value;
}
