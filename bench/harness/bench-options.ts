import { SYSTEM_IDS, type SystemId } from './systems';

/**
 * The two profiles of `npm run bench`. Both use the same settings for all three
 * systems; --quick only shrinks counts and durations (under 90 s in total).
 */
export interface BenchOptions {
  quick: boolean;
  /** True when --rates, --connections, --idle or --post-rates changed the settings. */
  probing: boolean;
  profile: boolean;
  systems: SystemId[];
  scenarios: Scenario[];
  clientWorkers: number;
  /** Parallel connects per worker while opening connections. */
  connectLanes: number;
  fanOut: {
    connections: number;
    /** Delivered events per second, in sweep order. */
    rates: number[];
    stepMs: number;
    warmupMs: number;
    warmupRate: number;
    drainMs: number;
    /** A step whose p99 exceeds this ends the sweep (latency exploded). */
    stopP99Ms: number;
  };
  /** settleMs: how long the connections sit idle before the second RSS reading (idle-scenario.ts). */
  idle: { counts: number[]; settleMs: number };
  /** Tabs of the presence reconnect storm (two per user). */
  presence: { tabs: number };
  endToEnd: {
    tabs: number;
    /** POSTs per second, in sweep order. */
    rates: number[];
    stepMs: number;
    warmupMs: number;
    drainMs: number;
    /** The write path's limit: the first rate whose p99 exceeds this. */
    limitP99Ms: number;
  };
  /** The write path: closed-loop sends, the product against the raw write baseline and pgbench. */
  write: {
    clients: number;
    conversations: number;
    durationMs: number;
    warmupMs: number;
    /** Each round runs every system once, in an order that alternates between rounds. */
    rounds: number;
  };
}

export const SUSTAINED_P99_MS = 50;

/** `presence` runs only when asked for (--scenarios=presence): it is not a comparison of systems. */
export type Scenario = 'fanout' | 'idle' | 'e2e' | 'write' | 'presence';
const SCENARIOS: Scenario[] = ['fanout', 'idle', 'e2e', 'write', 'presence'];
/** What `npm run bench` runs without --scenarios: the full run whose figures the README shows. */
export const DEFAULT_SCENARIOS: readonly Scenario[] = ['fanout', 'idle', 'e2e', 'write'];

export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const listArg = (name: string) => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    return arg ? arg.slice(name.length + 3).split(',') : undefined;
  };
  const systems = (listArg('systems') ?? SYSTEM_IDS) as BenchOptions['systems'];
  const scenarios = (listArg('scenarios') ?? [...DEFAULT_SCENARIOS]) as BenchOptions['scenarios'];
  for (const s of systems) if (!SYSTEM_IDS.includes(s)) throw new Error(`unknown system ${s}`);
  for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
  const probing = ['rates', 'connections', 'idle', 'post-rates'].some((name) => listArg(name) !== undefined);
  const base = { quick, probing, profile: argv.includes('--profile'), systems, scenarios };
  const options = quick ? quickOptions(base) : fullOptions(base);
  // --rates=… replaces the fan-out sweep (for probing one region; not for reported runs).
  const rates = listArg('rates')?.map(Number);
  if (rates) {
    if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('--rates takes positive numbers');
    options.fanOut.rates = rates;
  }
  // --connections=… replaces the fan-out's connection count (for probing; not for reported runs).
  const connections = listArg('connections')?.map(Number)[0];
  if (connections !== undefined) {
    if (!Number.isInteger(connections) || connections <= 0) throw new Error('--connections takes a positive integer');
    options.fanOut.connections = connections;
  }
  // --post-rates=… replaces the end-to-end sweep's POST rates (for probing; not for reported runs).
  const postRates = listArg('post-rates')?.map(Number);
  if (postRates) {
    if (postRates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('--post-rates takes positive numbers');
    options.endToEnd.rates = postRates;
  }
  // --idle=… replaces the idle connection counts (for probing; not for reported runs).
  const idle = listArg('idle')?.map(Number);
  if (idle) {
    if (idle.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('--idle takes positive integers');
    options.idle.counts = idle;
  }
  return options;
}

type BaseOptions = Pick<BenchOptions, 'quick' | 'probing' | 'profile' | 'systems' | 'scenarios'>;

function quickOptions(base: BaseOptions): BenchOptions {
  {
    return {
      ...base,
      clientWorkers: 2,
      connectLanes: 50,
      fanOut: {
        connections: 1000,
        rates: [1000, 5000, 20_000],
        stepMs: 2000,
        warmupMs: 800,
        warmupRate: 1000,
        drainMs: 1500,
        stopP99Ms: 1000,
      },
      idle: { counts: [1000, 2000], settleMs: 5000 },
      presence: { tabs: 1000 },
      endToEnd: { tabs: 1000, rates: [100, 400], stepMs: 2000, warmupMs: 1000, drainMs: 1500, limitP99Ms: 100 },
      write: { clients: 16, conversations: 200, durationMs: 3000, warmupMs: 1000, rounds: 1 },
    };
  }
}

function fullOptions(base: BaseOptions): BenchOptions {
  return {
    ...base,
    clientWorkers: 4,
    connectLanes: 50,
    fanOut: {
      connections: 5000,
      rates: [1000, 5000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 80_000],
      stepMs: 6000,
      warmupMs: 2000,
      warmupRate: 1000,
      drainMs: 3000,
      stopP99Ms: 1000,
    },
    idle: { counts: [10_000, 20_000], settleMs: 30_000 },
    presence: { tabs: 5000 },
    endToEnd: {
      tabs: 5000,
      rates: [100, 250, 500, 1000, 1500, 2000, 3000],
      stepMs: 5000,
      warmupMs: 2000,
      drainMs: 3000,
      limitP99Ms: 100,
    },
    write: { clients: 16, conversations: 200, durationMs: 8000, warmupMs: 2000, rounds: 2 },
  };
}
