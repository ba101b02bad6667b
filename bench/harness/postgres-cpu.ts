import pg from 'pg';
import { cpuMark, type CpuMark } from './process-sampler';

/**
 * CPU of the PostgreSQL processes that serve one database: its backends, plus the
 * server's shared background processes (WAL writer, checkpointer, background writer,
 * autovacuum), which every database's commits use. Other databases' backends (other
 * workloads on a shared machine) are left out. The pids are read when the mark is
 * taken: take it once the load's connections are open.
 */
export interface PostgresCpuMark {
  marks: Map<number, CpuMark>;
  at: number;
}

const SHARED = ['walwriter', 'checkpointer', 'background writer', 'autovacuum launcher', 'autovacuum worker'];

export async function postgresPids(adminUrl: string, database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR backend_type = ANY($2)) AND pid <> pg_backend_pid()',
      [database, SHARED],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** The database a URL names. */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\/+/, ''));
}

/** The same server's `postgres` database: where databases are created, dropped and watched from. */
export function adminUrlOf(databaseUrl: string): string {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  return admin.toString();
}

/** A mark of the processes serving the database at `databaseUrl` (its pids read now). */
export async function databaseCpuMark(databaseUrl: string): Promise<PostgresCpuMark> {
  return postgresCpuMark(await postgresPids(adminUrlOf(databaseUrl), databaseName(databaseUrl)));
}

export function postgresCpuMark(pids: number[]): PostgresCpuMark {
  const marks = new Map<number, CpuMark>();
  for (const pid of pids) {
    try {
      marks.set(pid, cpuMark(pid));
    } catch {
      // exited meanwhile
    }
  }
  return { marks, at: performance.now() };
}

/**
 * Percent of one core used between two marks. A process only in the later mark started
 * in between (a backend of a client that connected late), so all its CPU counts; take
 * the later mark with the pids read again for that.
 */
export function postgresCpuPercent(from: PostgresCpuMark, to: PostgresCpuMark): number {
  const seconds = (to.at - from.at) / 1000;
  if (seconds <= 0) return 0;
  let ticks = 0;
  for (const [pid, mark] of to.marks) ticks += mark.ticks - (from.marks.get(pid)?.ticks ?? 0);
  return (ticks / 100 / seconds) * 100;
}
