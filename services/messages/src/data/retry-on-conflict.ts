/** A conflict as Prisma's adapter wraps it, or as pg throws it (SQLSTATE in `code`). */
interface ConflictErrorShape {
  code?: string;
  meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
}

// Deadlock detected, serialization failure: PostgreSQL aborted the statement, which
// changed nothing, and running it again is what the SQLSTATE asks for.
const TRANSIENT = new Set(['40P01', '40001']);

/** Whether PostgreSQL aborted the statement for a deadlock or a serialization failure. */
export function isTransientConflict(error: unknown): boolean {
  const shape = error as ConflictErrorShape | undefined;
  const cause = shape?.meta?.driverAdapterError?.cause;
  return (
    cause?.kind === 'TransactionWriteConflict' ||
    TRANSIENT.has(cause?.originalCode ?? '') ||
    TRANSIENT.has(shape?.code ?? '')
  );
}

/**
 * Runs a single-statement write again, once, when PostgreSQL aborted it for a deadlock
 * or a serialization failure. The writes that take event counters lock rows in one
 * order (message-repository.ts), and they run at READ COMMITTED, where an upsert does
 * not fail serialization, so neither is expected: this is the safety net, not a path.
 */
export async function retryOnceOnConflict<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    if (!isTransientConflict(error)) throw error;
    return statement();
  }
}
