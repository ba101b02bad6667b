import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SEND_STATEMENT } from '../../services/messages/src/data/send-statement';
import { REPO_ROOT } from '../harness/child-processes';
import { createHistogram, type Histogram } from '../harness/latency-histogram';
import { cpuMark, cpuPercent } from '../harness/process-sampler';
import { postgresCpuMark, postgresCpuPercent, postgresPids } from '../harness/postgres-cpu';

/**
 * PostgreSQL's own ceiling on this machine, with no service in front: `pgbench` runs
 * the product's send statement (the text the messages service prepares), and a plain
 * indexed INSERT, for a fixed time with the write scenario's client count, on a scratch
 * database built from the committed migrations, seeded with the same number of
 * conversations, and dropped afterwards.
 */
export interface PgbenchResult {
  perSecond: number;
  transactions: number;
  failed: number;
  latencies: Histogram;
  postgresCpuPercent: number;
  clientCpuPercent: number;
}

export function pgbenchPath(): string | undefined {
  const candidates = ['pgbench'];
  try {
    for (const version of readdirSync('/usr/lib/postgresql'))
      candidates.push(`/usr/lib/postgresql/${version}/bin/pgbench`);
  } catch {
    // no Debian layout
  }
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

const CONTENT = 'Benchmark message: the quick brown fox jumps over the lazy dog, then checks the clock again.';

/** The send statement as a pgbench script: :c a conversation, :s one of its two participants. */
export function sendScript(conversations: number): string {
  const sql = SEND_STATEMENT.replaceAll('$1::bigint', ':c::bigint')
    .replaceAll('$2::bigint', ':s::bigint')
    .replaceAll('$3::text', `'${CONTENT}'::text`)
    // A fresh retry key per send, as the web app's sends and the bench's POSTs carry.
    .replaceAll('$4::uuid', 'gen_random_uuid()');
  if (/\$\d/.test(sql)) throw new Error('the send statement has a parameter the pgbench script does not set');
  return `\\set c random(1, ${conversations})\n\\set s 2 * :c - random(0, 1)\n${sql.trim()};\n`;
}

export function plainInsertScript(conversations: number): string {
  return (
    `\\set c random(1, ${conversations})\n` +
    `INSERT INTO plain_inserts (conversation_id, user_id, content) VALUES (:c, 2 * :c, '${CONTENT}');\n`
  );
}

function scratchUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates the scratch database: the migrations' schema, users 1..2N, conversation c between 2c-1 and 2c. */
export async function createScratchDatabase(adminUrl: string, name: string, conversations: number): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = scratchUrl(adminUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const dir = path.join(REPO_ROOT, 'prisma', 'migrations');
    const migrations = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    for (const migration of migrations)
      await client.query(readFileSync(path.join(dir, migration, 'migration.sql'), 'utf8'));
    await client.query(
      `INSERT INTO users (id, username, username_key) SELECT i, 'u' || i, 'u' || i FROM generate_series(1, $1::int) i`,
      [2 * conversations],
    );
    await client.query(
      `INSERT INTO conversations (id, user_low_id, user_high_id) SELECT c, 2 * c - 1, 2 * c FROM generate_series(1, $1::int) c`,
      [conversations],
    );
    await client.query(
      `INSERT INTO participants (user_id, conversation_id) SELECT 2 * c - k, c FROM generate_series(1, $1::int) c, (VALUES (0), (1)) k(k)`,
      [conversations],
    );
    await client.query(`CREATE TABLE plain_inserts (
      id BIGSERIAL PRIMARY KEY,
      conversation_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      content VARCHAR(480) NOT NULL,
      created_at TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp())`);
    await client.query(
      'CREATE INDEX plain_inserts_conversation ON plain_inserts (conversation_id, created_at DESC, id DESC)',
    );
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  return url;
}

export async function dropScratchDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Runs one script with `clients` connections for `seconds`, prepared statements, per-transaction log. */
export async function runPgbench(
  binary: string,
  databaseUrl: string,
  database: string,
  adminUrl: string,
  script: string,
  clients: number,
  seconds: number,
): Promise<PgbenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pgbench-'));
  try {
    const scriptFile = path.join(dir, 'script.sql');
    writeFileSync(scriptFile, script);
    const child = spawn(
      binary,
      [
        '--no-vacuum',
        `--client=${clients}`,
        '--jobs=2',
        `--time=${seconds}`,
        '--protocol=prepared',
        `--file=${scriptFile}`,
        '--log',
        `--log-prefix=${path.join(dir, 'tx')}`,
        databaseUrl,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    // CPU over the middle of the run, once pgbench's connections are open.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pids = await postgresPids(adminUrl, database);
    const pgFrom = postgresCpuMark(pids);
    const clientFrom = cpuMark(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 - 1000));
    const pgTo = postgresCpuMark(await postgresPids(adminUrl, database));
    const clientTo = cpuMark(child.pid!);
    const [code] = await exited;
    if (code !== 0) throw new Error(`pgbench exited with ${code}: ${output.slice(-500)}`);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
    const failed = /number of failed transactions: (\d+)/.exec(output);
    const latencies = createHistogram();
    let transactions = 0;
    for (const file of readdirSync(dir).filter((f) => f.startsWith('tx'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        // client_id transaction_no latency_us script_no epoch_s epoch_us
        const latencyUs = Number(line.split(' ', 3)[2]);
        if (Number.isFinite(latencyUs) && latencyUs > 0) {
          latencies.recordValue(latencyUs);
          transactions++;
        }
      }
    }
    return {
      perSecond: tps ? Number(tps[1]) : transactions / seconds,
      transactions,
      failed: failed ? Number(failed[1]) : 0,
      latencies,
      postgresCpuPercent: postgresCpuPercent(pgFrom, pgTo),
      clientCpuPercent: cpuPercent(clientFrom, clientTo),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
