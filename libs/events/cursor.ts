/**
 * An event's cursor is the id Redis gave its entry in the user's event log stream
 * (`<milliseconds>-<sequence>`): strictly increasing per user, so a client that
 * remembers the last cursor it saw can ask for everything after it.
 */
const CURSOR = /^(\d{1,15})-(\d{1,15})$/;

export function isCursor(value: unknown): value is string {
  return typeof value === 'string' && CURSOR.test(value);
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareCursors(a: string, b: string): number {
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  const byTime = Number(a.slice(0, dashA)) - Number(b.slice(0, dashB));
  return byTime !== 0 ? byTime : Number(a.slice(dashA + 1)) - Number(b.slice(dashB + 1));
}
