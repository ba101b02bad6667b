import { startBenchRedis } from '../harness/bench-redis';
import { installExitHooks, killAllChildren, spawnTsNode } from '../harness/child-processes';
import { startClientPool } from '../harness/client-pool';
import { freePort, waitForHealthy } from '../harness/free-port';
import { cpuMark, cpuSeconds, rssBytes } from '../harness/process-sampler';
import { createTokenSigner } from '../scenarios/token-signer';

/**
 * Diagnosis for the stream service's fixed work: opens N idle streams to one server
 * (product or raw baseline), waits 5 s for the connect burst's work to settle, then
 * reads the server's CPU over `seconds` of idleness (heartbeats, presence refreshes,
 * timers). With a fourth argument the server also writes a `--cpu-prof` profile there.
 *
 *   npx tsx bench/tools/idle-cpu-probe.ts product|raw <connections> <seconds> [profile-dir]
 */
async function main() {
  installExitHooks();
  const [which = 'product', countArg = '5000', secondsArg = '20', profile = ''] = process.argv.slice(2);
  const count = Number(countArg);
  const redis = await startBenchRedis();
  const secret = 'x'.repeat(40);
  const port = await freePort();
  const script = which === 'raw' ? 'bench/baseline/raw-sse-server.ts' : 'services/stream/src/main.ts';
  const server = spawnTsNode(script, [], {
    name: which,
    nodeFlags: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      STREAM_PORT: String(port),
      PORT: String(port),
      REDIS_URL: redis.url,
      JWT_SECRET: secret,
      EVENTS_PREFIX: 'bench',
      STREAM_SHUTDOWN_SPREAD_MS: '0',
    },
  });
  await waitForHealthy(`http://127.0.0.1:${port}/healthz`);
  const pool = await startClientPool(2);
  const sign = createTokenSigner(secret);
  const specs = Array.from({ length: count }, (_, i) => {
    const userId = String(Math.floor(i / 2) + 1);
    return which === 'raw'
      ? { userIndex: 0, path: `/events?user=${userId}` }
      : { userIndex: 0, path: '/api/messages', token: sign(userId) };
  });
  const before = rssBytes(server.pid!);
  const result = await pool.connect('idle', 'sse', `http://127.0.0.1:${port}`, specs, 50);
  await new Promise((r) => setTimeout(r, 1000));
  const rss1 = rssBytes(server.pid!);
  await new Promise((r) => setTimeout(r, 4000));
  const from = cpuMark(server.pid!);
  await new Promise((r) => setTimeout(r, Number(secondsArg) * 1000));
  const to = cpuMark(server.pid!);
  console.log(
    `${which}: ${result.opened} open; idle CPU ${((cpuSeconds(from, to) / Number(secondsArg)) * 1000).toFixed(1)} ms/s; RSS/conn at 1 s ${((rss1 - before) / result.opened / 1024).toFixed(2)} KB`,
  );
  await pool.stop();
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 2000));
  await redis.stop();
  killAllChildren();
  process.exit(0);
}

void main();
