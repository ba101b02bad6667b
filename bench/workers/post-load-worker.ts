import { seededRandom } from '../harness/connection-layout';
import { createHistogram, encodeHistogram, nowMs } from '../harness/latency-histogram';
import { createMessagePoster, type MessagePoster } from '../harness/message-poster';
import { endToEndContent } from '../harness/probe';
import { watchRelayLag, type RelayLagWatcher } from '../harness/relay-lag';
import { serveRpc } from '../harness/worker-rpc';

/**
 * The end-to-end load: POST /api/conversations/:id/messages at a fixed rate (open
 * loop, harness/message-poster.ts), in a process of its own. Each
 * message's content carries the probe, with the time taken right before the request
 * is sent, so the receiver's stream measures POST-send to receipt. It also watches the
 * relay lag, commit to publish (relay-lag.ts).
 */
interface Pair {
  conversationId: string;
  users: [{ userIndex: number; token: string }, { userIndex: number; token: string }];
}

let poster: MessagePoster | undefined;
let pairs: Pair[] = [];
let userCount = 0;
let random = seededRandom(7);
let relayLag: RelayLagWatcher | undefined;

const MAX_IN_FLIGHT = 512;

async function run(params: { step: number; rate: number; durationMs: number }) {
  const expectedPerUser = new Array<number>(userCount).fill(0);
  const responseTimes = createHistogram();
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  let maxLagMs = 0;
  const perMs = params.rate / 1000;

  async function post(seq: number) {
    const pair = pairs[Math.floor(random() * pairs.length)]!;
    const from = random() < 0.5 ? 0 : 1;
    const sender = pair.users[from];
    const receiver = pair.users[1 - from]!;
    inFlight++;
    const sentAt = nowMs();
    try {
      await poster!.post(pair.conversationId, sender.token, endToEndContent(params.step, seq, sentAt));
      responseTimes.recordValue(Math.max(1, Math.round((nowMs() - sentAt) * 1000)));
      ok++;
      // Both participants get a `message` event: the receiver's tabs and the sender's.
      expectedPerUser[sender.userIndex]!++;
      expectedPerUser[receiver.userIndex]!++;
    } catch (error) {
      errors++;
      firstError ??= (error as Error).message;
    } finally {
      inFlight--;
    }
  }

  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= params.durationMs) break;
    const due = Math.floor(elapsed * perMs) + 1;
    while (sent < due && inFlight < MAX_IN_FLIGHT) pending.push(post(++sent));
    maxLagMs = Math.max(maxLagMs, (due - sent) / perMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const sendingMs = performance.now() - started;
  await Promise.all(pending);
  const result = {
    sent,
    ok,
    errors,
    firstError,
    postsPerSecond: (sent / sendingMs) * 1000,
    maxLagMs: Math.round(maxLagMs),
    expectedPerUser,
    responseTimes: encodeHistogram(responseTimes),
  };
  responseTimes.destroy();
  return result;
}

serveRpc({
  ping: () => ({ pid: process.pid }),
  async configure(params: {
    baseUrl: string;
    pairs: Pair[];
    users: number;
    seed: number;
    redisUrl: string;
    prefix: string;
  }) {
    await poster?.close();
    poster = createMessagePoster(params.baseUrl);
    pairs = params.pairs;
    userCount = params.users;
    random = seededRandom(params.seed);
    relayLag?.close();
    relayLag = await watchRelayLag(params.redisUrl, params.prefix);
    return { ok: true };
  },
  run,
  /** Relay lags since the last call: called after a step's deliveries have drained. */
  takeRelayLag: () => ({ lags: relayLag?.take() ?? '' }),
});
