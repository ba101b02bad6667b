import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Config } from '#libs/config';

/**
 * The stream service as a process of its own, started as production starts it
 * (services/stream/src/main.ts), for tests that signal it (SIGTERM, SIGKILL).
 */
export interface StreamProcess {
  url: string;
  child: ChildProcess;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends the signal and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../../..');

/** `config` gives Redis, the JWT secret and the events prefix; `env` anything else (STREAM_* settings). */
export async function startStreamProcess(config: Config, env: Record<string, string> = {}): Promise<StreamProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/stream/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      STREAM_PORT: '0',
      REDIS_URL: config.redisUrl,
      JWT_SECRET: config.auth.jwtSecret,
      EVENTS_PREFIX: config.events.prefix,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      // runService prints it whatever LOG_LEVEL says.
      const match = /^stream: listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error('the stream service exited before listening')));
  });
  // Keep reading, so a full pipe never blocks its writes.
  child.stderr.resume();
  return {
    url,
    child,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
