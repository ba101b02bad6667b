/**
 * Waits on conditions over what a test client has received, re-checked on each
 * notify() (when something arrives) instead of polling on a timer.
 */
export interface ConditionWaiters {
  /** Re-checks every pending condition; call it whenever something arrives. */
  notify(): void;
  /** Resolves once `condition()` holds; on timeout rejects, naming `what` and `progress()`. */
  waitFor(condition: () => boolean, what: string, timeoutMs: number, progress: () => string): Promise<void>;
}

export function createConditionWaiters(): ConditionWaiters {
  const waiters = new Set<() => void>();
  return {
    notify() {
      for (const check of waiters) check();
    },
    waitFor(condition, what, timeoutMs, progress) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; ${progress()}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
