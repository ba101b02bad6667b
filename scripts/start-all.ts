/**
 * `npm start`: runs every service of the product, each in its own process (as in
 * production, so the stream service's hot path never shares an event loop with the
 * REST API), with their output prefixed. One failing service stops them all.
 * Migrations and the web build run before this (see package.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { loadConfig, ConfigError } from '#libs/config';

interface ServiceSpec {
  name: string;
  entry: string;
  /** Answers 200 once the service is up. */
  readyPath: string;
  port: number;
}

const STOP_GRACE_MS = 12_000;
const READY_TIMEOUT_MS = 30_000;

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

// Every service gets this environment, so one METRICS_PORT would be taken by the first
// and refused to the others: here each service serves /metrics on its own port.
if (config.metricsPort !== undefined) {
  console.error('METRICS_PORT is per service; npm start serves /metrics on each service port: unset it here');
  process.exit(1);
}

// The services' output is piped through here, so they cannot see the terminal: tell them
// (pretty one-line logs in colour, unless LOG_FORMAT says otherwise).
const childEnv: NodeJS.ProcessEnv = { ...process.env };
if (process.stdout.isTTY && config.env !== 'production') {
  childEnv.LOG_FORMAT ??= 'pretty';
  childEnv.FORCE_COLOR ??= '1';
}

const SERVICES: ServiceSpec[] = [
  { name: 'messages', entry: 'services/messages/src/main.ts', readyPath: '/healthz', port: config.messages.port },
  { name: 'stream', entry: 'services/stream/src/main.ts', readyPath: '/healthz', port: config.stream.port },
  { name: 'web', entry: 'services/web/src/main.ts', readyPath: '/healthz', port: config.web.port },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

function launch({ name, entry }: ServiceSpec): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? `code ${code}`}); stopping the others`);
      void stopAll(1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  children.set(name, child);
  return child;
}

function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(exitCode || 1);
  }, STOP_GRACE_MS).unref();
}

async function waitUntilReady({ name, readyPath, port }: ServiceSpec): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

for (const service of SERVICES) launch(service);
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

Promise.all(SERVICES.map(waitUntilReady)).then(
  () =>
    console.log(
      `\n  Messenger is running: open http://127.0.0.1:${config.web.port}\n` +
        `  (REST API on :${config.messages.port}, event stream on :${config.stream.port}; Ctrl+C stops everything)\n`,
    ),
  (error: Error) => {
    console.error(error.message);
    void stopAll(1);
  },
);
