/**
 * An event's cursor: `<epoch>:<seq>`, both decimal.
 *
 * - `seq` is the event's number in its user's sequence, which PostgreSQL assigns in the
 *   same transaction as the change: gapless and in commit order, per user.
 * - `epoch` names one life of the user's event log in Redis: the Redis `TIME`, in
 *   microseconds, when that log was started. A log that Redis lost is started again
 *   under a new epoch, so a cursor from before the loss is recognisably stale.
 *
 * `0:0` is the "none" cursor: no position known. Anything else that does not match
 * (the older `<ms>-<n>` stream ids included) is malformed.
 */
export interface Cursor {
  epoch: string;
  seq: number;
}

export const NONE_CURSOR = '0:0';

// No leading zeros, so equal epochs are equal strings; seq stays within Number's exact integers.
const CURSOR = /^(0|[1-9]\d{0,19}):(0|[1-9]\d{0,14})$/;

/** The cursor's two parts, or undefined when it is not a cursor. */
export function parseCursor(value: unknown): Cursor | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CURSOR.exec(value);
  if (!match) return undefined;
  const [, epoch, seq] = match as unknown as [string, string, string];
  // Epoch 0 exists only in the none cursor.
  if (epoch === '0' && seq !== '0') return undefined;
  return { epoch, seq: Number(seq) };
}

export function isCursor(value: unknown): value is string {
  return parseCursor(value) !== undefined;
}

export function formatCursor(epoch: string, seq: number): string {
  return `${epoch}:${seq}`;
}
