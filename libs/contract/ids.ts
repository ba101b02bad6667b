/** An id as the API writes it: a positive BIGINT in decimal, no sign, no leading zero. */
const ID_PATTERN = /^[1-9]\d{0,18}$/;
// 19 digits can exceed a BIGINT; such an id would fail every database query with a 500.
const MAX_BIGINT = 9223372036854775807n;

/** Whether `value` is an id: of a user (a token's subject), a conversation or a message. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value) && BigInt(value) <= MAX_BIGINT;
}
