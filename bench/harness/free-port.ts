// One freePort for tests and bench.
export { freePort } from '../../test/support/infra/free-port';

/** Polls `url` until it answers 200 (servers are ready when their health check is). */
export async function waitForHealthy(
  url: string,
  timeoutMs = 30_000,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`${url}: the process exited before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (${last})`);
}
