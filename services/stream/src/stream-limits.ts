import { AppError } from '#libs/http';

export interface StreamLimitSettings {
  /** Streams this instance holds at most (Infinity: no limit). */
  maxConnections: number;
  /** Streams one user holds at most on this instance. */
  maxConnectionsPerUser: number;
}

/** How long a client refused for its user's limit waits: a tab of the user must close first. */
export const PER_USER_RETRY_AFTER_SECONDS = 10;
/** A client refused for the instance's limit waits 2–6 s, spread so the refused do not all come back together. */
const FULL_RETRY_AFTER_SECONDS = { min: 2, spread: 5 };

/**
 * The connection limits, counted from the moment a stream is admitted (before its
 * Redis read) to its close, so streams opening at the same time cannot all slip past.
 *
 * Over the user's limit, the new stream is refused (429 `too_many_streams`) rather than
 * the user's oldest closed: closing the oldest would let one client stuck in a
 * reconnect loop evict the user's other tabs one after another, whereas refusing keeps
 * the streams that work and stops only the extra one.
 */
export function createStreamLimits({ maxConnections, maxConnectionsPerUser }: StreamLimitSettings) {
  const perUser = new Map<string, number>();
  let total = 0;

  /** The error a new stream of `userId` would be refused with now, if any; takes nothing. */
  function refusal(userId: string): AppError | undefined {
    if (total >= maxConnections) {
      const retryAfter = FULL_RETRY_AFTER_SECONDS.min + Math.floor(Math.random() * FULL_RETRY_AFTER_SECONDS.spread);
      return new AppError(
        503,
        'over_capacity',
        'This instance holds as many streams as it may; retry shortly',
        undefined,
        {
          'Retry-After': String(retryAfter),
        },
      );
    }
    if ((perUser.get(userId) ?? 0) >= maxConnectionsPerUser) {
      return new AppError(
        429,
        'too_many_streams',
        `This user already has ${maxConnectionsPerUser} open streams here; close one first`,
        undefined,
        { 'Retry-After': String(PER_USER_RETRY_AFTER_SECONDS) },
      );
    }
    return undefined;
  }

  /** Takes a slot for a stream of `userId`, or returns the error to refuse it with. */
  function admit(userId: string): AppError | undefined {
    const refused = refusal(userId);
    if (refused) return refused;
    perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
    total += 1;
    return undefined;
  }

  /** Gives back a slot `admit` took. */
  function release(userId: string): void {
    const held = perUser.get(userId);
    if (!held) return;
    if (held === 1) perUser.delete(userId);
    else perUser.set(userId, held - 1);
    total -= 1;
  }

  return { refusal, admit, release };
}

export type StreamLimits = ReturnType<typeof createStreamLimits>;
