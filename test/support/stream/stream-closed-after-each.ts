/**
 * A list for the streams a test opens: each one pushed is closed after the test,
 * passed or failed, so a failing test leaves no connection open for the next.
 * Call it at the top level of a test file (it registers an afterEach).
 */
export function closedAfterEach<T extends { close(): void }>(): T[] {
  const opened: T[] = [];
  afterEach(() => {
    for (const stream of opened.splice(0)) stream.close();
  });
  return opened;
}
