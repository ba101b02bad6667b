import { readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { startBenchRedis } from '../harness/bench-redis';
import { installExitHooks, killAllChildren, REPO_ROOT, spawnTsNode } from '../harness/child-processes';
import { startClientPool } from '../harness/client-pool';
import { freePort, waitForHealthy } from '../harness/free-port';
import { rssBytes } from '../harness/process-sampler';
import { createTokenSigner } from '../scenarios/token-signer';

/**
 * Diagnosis for the idle-memory figure: opens N streams to one server (product or raw
 * baseline) and writes a heap snapshot of it, to see what each connection keeps.
 *
 *   npx tsx bench/tools/heap-per-connection.ts product|raw <connections> <out-dir>
 */
async function main() {
  installExitHooks();
  const [which = 'product', countArg = '2000', outDir = '/tmp'] = process.argv.slice(2);
  const count = Number(countArg);
  const redis = await startBenchRedis();
  const secret = 'x'.repeat(40);
  const port = await freePort();
  const script = which === 'raw' ? 'bench/baseline/raw-sse-server.ts' : 'services/stream/src/main.ts';
  const server = spawnTsNode(script, [], {
    name: which,
    nodeFlags: ['--heapsnapshot-signal=SIGUSR2'],
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      STREAM_PORT: String(port),
      PORT: String(port),
      REDIS_URL: redis.url,
      JWT_SECRET: secret,
      EVENTS_PREFIX: 'bench',
    },
  });
  await waitForHealthy(`http://127.0.0.1:${port}/healthz`);
  const before = rssBytes(server.pid!);
  const pool = await startClientPool(2);
  const sign = createTokenSigner(secret);
  const specs = Array.from({ length: count }, (_, i) => {
    const userId = String(Math.floor(i / 2) + 1);
    return which === 'raw'
      ? { userIndex: 0, path: `/events?user=${userId}` }
      : { userIndex: 0, path: '/api/messages', token: sign(userId) };
  });
  const result = await pool.connect('heap', 'sse', `http://127.0.0.1:${port}`, specs, 50);
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssBytes(server.pid!);
  console.log(
    `${which}: ${result.opened} open, RSS ${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB, ${((after - before) / result.opened / 1024).toFixed(2)} KB/connection`,
  );
  const existing = new Set(readdirSync(REPO_ROOT));
  server.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const file = readdirSync(REPO_ROOT).find((f) => f.endsWith('.heapsnapshot') && !existing.has(f));
    if (file) {
      // Written incrementally: wait until its size stops changing.
      let size = -1;
      while (size <= 0 || statSync(path.join(REPO_ROOT, file)).size !== size) {
        size = statSync(path.join(REPO_ROOT, file)).size;
        await new Promise((r) => setTimeout(r, 3000));
      }
      const target = path.join(outDir, `${which}-${count}.heapsnapshot`);
      renameSync(path.join(REPO_ROOT, file), target);
      console.log(`snapshot: ${target}`);
      break;
    }
  }
  await pool.stop();
  await redis.stop();
  killAllChildren();
  process.exit(0);
}

void main();
