import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDbScript } from '../../prisma/run-db-script';
import { freePort } from './free-port';

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temporary directory, on
 * a free port), for tests that restart, stop or crash PostgreSQL: the one on 5432 is
 * shared with every other test file, other checkouts and CI.
 *
 * Durability is not under test here, so the cluster runs with fsync off: it starts in
 * about a second. Run as root (CI is), initdb and pg_ctl are run as the `postgres`
 * user, since PostgreSQL refuses to run as root.
 */
export interface PrivatePostgres {
  /** postgresql:// URL of the `messenger` database, migrated when `migrate` was set. */
  url: string;
  port: number;
  /** `pg_ctl restart -m <mode>`: every connection is ended, the server is back (and ready) on the same port. */
  restart(mode?: ShutdownMode): Promise<void>;
  /** `pg_ctl stop -m <mode>`: fast ends connections cleanly, immediate is a crash (recovery at the next start). */
  stop(mode?: ShutdownMode): Promise<void>;
  /** Starts it again on the same port, with the same data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** The server's log (for a failing test's message). */
  log(): Promise<string>;
  /** Stops it (immediate) and deletes its directory. */
  destroy(): Promise<void>;
}

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export interface PrivatePostgresOptions {
  /** Applies prisma/migrations to the `messenger` database (npm run db:migrate). Defaults to true. */
  migrate?: boolean;
  /** Extra postgresql.conf settings, e.g. `{ max_connections: '5' }`. */
  settings?: Record<string, string>;
}

const DATABASE = 'messenger';

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'messenger-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  if (asRoot) await chown(dir, Number(id('-u')), Number(id('-g')));
  const port = await freePort();

  // As the postgres user when root: initdb and postgres refuse to run as root.
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  const pg = (tool: string, args: string[]) => run(...command(tool, args));
  const pgCtl = (...args: string[]) => pg('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', ...args]);

  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const settings: Record<string, string> = {
      port: String(port),
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${dir}'`,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      ...options.settings,
    };
    const conf = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    await writeFile(path.join(data, 'postgresql.auto.conf'), `${conf.join('\n')}\n`, { flag: 'a' });
    await pgCtl('start');
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  // The postmaster runs detached and would outlive a test process that exits without
  // destroy() (its hooks failed, or jest told its worker to exit): stop it on exit.
  const stopOnExit = () => {
    spawnSync(...command('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']), { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);

  const url = `postgresql://postgres@127.0.0.1:${port}/${DATABASE}`;
  const server: PrivatePostgres = {
    url,
    port,
    restart: async (mode = 'fast') => void (await pgCtl('restart', '-m', mode)),
    stop: async (mode = 'fast') => void (await pgCtl('stop', '-m', mode)),
    start: async () => void (await pgCtl('start')),
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async destroy() {
      process.off('exit', stopOnExit);
      await pgCtl('stop', '-m', 'immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (options.migrate ?? true) {
    const migrated = await runDbScript('db-migrate.mjs', { DATABASE_URL: url });
    if (migrated.code !== 0) {
      await server.destroy();
      throw new Error(`db:migrate failed on the private PostgreSQL: ${migrated.stderr}`);
    }
  }
  return server;
}

/** The newest installed PostgreSQL's bin directory (PG_BIN overrides): Debian keeps initdb and pg_ctl off PATH. */
function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    // Not Debian's layout: fall back to whatever pg_config names.
  }
  if (versions[0]) return path.join(root, versions[0], 'bin');
  return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

function id(flag: '-u' | '-g'): string {
  return execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim();
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${[command, ...args].join(' ')} failed (${code}): ${output}`));
    });
  });
}
