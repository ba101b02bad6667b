import { readFileSync } from 'node:fs';

/**
 * CPU and memory of one process, read from /proc (Linux): CPU as utime+stime
 * deltas over wall time (100% = one core busy), memory as VmRSS.
 */
const CLOCK_TICKS_PER_SECOND = 100; // `getconf CLK_TCK` on Linux x86-64 and arm64

export interface CpuMark {
  ticks: number;
  at: number;
}

export function cpuMark(pid: number): CpuMark {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { ticks: utime + stime, at: performance.now() };
}

/** Percent of one core used between two marks. */
export function cpuPercent(from: CpuMark, to: CpuMark): number {
  const seconds = (to.at - from.at) / 1000;
  if (seconds <= 0) return 0;
  return ((to.ticks - from.ticks) / CLOCK_TICKS_PER_SECOND / seconds) * 100;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Peak RSS while a phase runs, sampled every `everyMs`. */
export function trackPeakRss(pid: number, everyMs = 250) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      // the process exited; the phase will notice
    }
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      try {
        peak = Math.max(peak, rssBytes(pid));
      } catch {
        // exited
      }
      return peak;
    },
  };
}
