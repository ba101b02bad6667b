import { readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { installExitHooks, killAllChildren, REPO_ROOT } from '../harness/child-processes';
import { rssBytes } from '../harness/process-sampler';
import { openProbeStreams, probeStreamSpecs, startProbeServer } from './probe-server';

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
  const system = which === 'raw' ? 'raw' : 'product';
  const { redis, server, url } = await startProbeServer(system, ['--heapsnapshot-signal=SIGUSR2']);
  const before = rssBytes(server.pid!);
  const { pool, result } = await openProbeStreams('heap', url, probeStreamSpecs(system, count));
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
