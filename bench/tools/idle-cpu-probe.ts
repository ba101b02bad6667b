import { installExitHooks, killAllChildren } from '../harness/child-processes';
import { cpuMark, cpuSeconds, rssBytes } from '../harness/process-sampler';
import { openProbeStreams, probeStreamSpecs, startProbeServer } from './probe-server';

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
  const system = which === 'raw' ? 'raw' : 'product';
  const { redis, server, url } = await startProbeServer(
    system,
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  );
  const before = rssBytes(server.pid!);
  const { pool, result } = await openProbeStreams('idle', url, probeStreamSpecs(system, count));
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
