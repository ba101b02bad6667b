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
  return (cpuSeconds(from, to) / seconds) * 100;
}

/** CPU seconds (user + system) used between two marks. */
export function cpuSeconds(from: CpuMark, to: CpuMark): number {
  return (to.ticks - from.ticks) / CLOCK_TICKS_PER_SECOND;
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

/** Whole-machine CPU counters (/proc/stat), to show when the box itself is saturated. */
export interface MachineMark {
  busy: number;
  total: number;
}

export function machineMark(): MachineMark {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Percent of all cores busy between two marks (100 = every core busy). */
export function machinePercent(from: MachineMark, to: MachineMark): number {
  const total = to.total - from.total;
  return total > 0 ? Math.round(((to.busy - from.busy) / total) * 100) : 0;
}
