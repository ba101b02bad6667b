import { seededRandom } from '../harness/connection-layout';
import { createMessagePoster } from '../harness/message-poster';
import { createHistogram, encodeHistogram, nowMs } from '../harness/latency-histogram';
import { serveRpc } from '../harness/worker-rpc';

/**
 * The write-path load: `concurrency` clients in a closed loop (each sends its next
 * message when the previous one is answered), each message to a random conversation
 * from a random participant, for a fixed time. The same load for the product and the
 * raw write baseline (harness/message-poster.ts, keep-alive): the figure is the most
 * sends per second the system takes at that concurrency.
 */
interface Pair {
  conversationId: string;
  tokens: [string, string];
}

let pairs: Pair[] = [];
const CONTENT = 'Benchmark message: the quick brown fox jumps over the lazy dog, then checks the clock again.';

async function run(params: { baseUrl: string; concurrency: number; durationMs: number; seed: number }) {
  const random = seededRandom(params.seed);
  const latencies = createHistogram();
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const poster = createMessagePoster(params.baseUrl);
  const started = performance.now();
  const until = started + params.durationMs;

  async function client() {
    while (performance.now() < until) {
      const pair = pairs[Math.floor(random() * pairs.length)]!;
      const token = pair.tokens[random() < 0.5 ? 0 : 1];
      const sentAt = nowMs();
      try {
        await poster.post(pair.conversationId, token, CONTENT);
        latencies.recordValue(Math.max(1, Math.round((nowMs() - sentAt) * 1000)));
        ok++;
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  }

  await Promise.all(Array.from({ length: params.concurrency }, client));
  await poster.close();
  const seconds = (performance.now() - started) / 1000;
  const result = { ok, errors, firstError, perSecond: ok / seconds, latencies: encodeHistogram(latencies) };
  latencies.destroy();
  return result;
}

serveRpc({
  ping: () => ({ pid: process.pid }),
  configure(params: { pairs: Pair[] }) {
    pairs = params.pairs;
    return { ok: true };
  },
  run,
});
