import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

/**
 * Every process the bench starts goes through here, so one exit hook can kill them
 * all: on normal exit, on an error, on SIGINT/SIGTERM. Children run as separate OS
 * processes (never in the coordinator), and get the hard `ulimit -n` of the machine
 * because thousands of sockets per process exceed the usual soft limit.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

const children = new Set<ChildProcess>();

export interface SpawnOptions {
  /** Extra environment on top of the bench's own. */
  env?: Record<string, string>;
  /** An IPC channel (for bench workers). */
  ipc?: boolean;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Label for error messages. */
  name: string;
  /** Keep the child's stdout (servers log warnings there); defaults to false. */
  showOutput?: boolean;
}

/** Starts `node --import tsx <script> ...args` from the repository root. */
export function spawnTsNode(script: string, args: string[], options: SpawnOptions): ChildProcess {
  const nodeArgs = ['--import', 'tsx', ...(options.nodeFlags ?? []), script, ...args];
  // `exec` keeps the pid: /proc/<pid> of the child is the node process itself.
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"', process.execPath, ...nodeArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.showOutput ? 'inherit' : 'ignore', 'inherit', ...(options.ipc ? ['ipc' as const] : [])],
  });
  track(child);
  return child;
}

export function spawnCommand(command: string, args: string[], name: string): ChildProcess {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  track(child);
  void name;
  return child;
}

function track(child: ChildProcess) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

let hooked = false;
/** Kills every child however the coordinator ends. */
export function installExitHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping all child processes\n`);
      killAllChildren();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    process.stderr.write(`bench: ${error.stack ?? error}\n`);
    killAllChildren();
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
    killAllChildren();
    process.exit(1);
  });
}
