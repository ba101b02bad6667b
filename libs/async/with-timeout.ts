export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor() {
    super('timed out');
  }
}

/**
 * `promise`'s outcome, or a TimeoutError once `ms` have passed. The timer is cleared as
 * soon as the promise settles and never keeps the process alive, so a bounded wait
 * leaves nothing behind. The promise itself goes on: a caller that stops waiting on it
 * does not cancel it.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
