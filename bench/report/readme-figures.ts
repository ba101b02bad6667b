import { readFileSync, writeFileSync } from 'node:fs';

/**
 * After a full run, the "Latest figures" block of bench/README.md (between its two
 * markers) is rewritten from the results, so the README never shows stale numbers.
 * The analysis around it is written by hand.
 */
const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';

export function updateReadmeFigures(
  readmePath: string,
  results: {
    startedAt: string;
    durationSeconds: number;
    commit: string;
    machine: Record<string, unknown>;
    packages: Record<string, string>;
  },
  report: string,
): boolean {
  let readme: string;
  try {
    readme = readFileSync(readmePath, 'utf8');
  } catch {
    return false;
  }
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from === -1 || to === -1 || to < from) return false;
  const m = results.machine as {
    nproc: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    redis: string;
    kernel: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
    openFilesLimit: number;
  };
  const block = [
    START,
    `## Latest figures (full run ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${results.commit}, ${results.durationSeconds} s)`,
    '',
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.cpuModel} (\`lscpu\`), ${m.memoryGb} GB RAM, Linux ${m.kernel}, ` +
      `Node ${m.node}, Redis ${m.redis}, \`ulimit -Hn\` ${m.openFilesLimit}. ` +
      `Load average (1/5/15 min) before ${m.loadAverageBefore.join(' / ')}, after ${m.loadAverageAfter.join(' / ')}: ` +
      'the machine is shared with other workloads, and the figures depend on its load.',
    '',
    `Packages: ${Object.entries(results.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    '',
    'As printed by `npm run bench` (also in `results/report.txt`; all numbers in `results/latest.json`):',
    '',
    '```text',
    report.trim(),
    '```',
    END,
  ].join('\n');
  writeFileSync(readmePath, readme.slice(0, from) + block + readme.slice(to + END.length));
  return true;
}
