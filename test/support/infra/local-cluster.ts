import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/**
 * A Redis Cluster of redis-server processes on loopback: `masters` masters with
 * `replicasPerMaster` replicas each, created with `redis-cli --cluster create`, nothing
 * kept on disk but the nodes' own cluster config files (in a temporary directory).
 *
 * The node timeout is short (2 s by default), so a replica takes over a killed master
 * within a few seconds: failover tests stay short.
 */
export interface LocalCluster {
  /** `host:port,...` of every node, for REDIS_CLUSTER_NODES. */
  nodesEnv: string;
  ports: number[];
  /** The nodes' process ids now (a restarted node has a new one): for sampling their CPU. */
  pids(): number[];
  /** The port of the master that serves `slot` right now (asked of a live node). */
  masterOfSlot(slot: number): Promise<number>;
  /** Moves a slot, with its keys, to another master, as `redis-cli --cluster reshard` would. */
  migrateSlot(slot: number, toPort: number): Promise<void>;
  /** SIGKILL one node, as a crash would. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again, with its cluster config file: it rejoins the cluster. */
  restart(port: number): Promise<void>;
  /** Resolves once every slot is served again and every node agrees the cluster is ok. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalClusterOptions {
  /** Defaults to 3. */
  masters?: number;
  /** Defaults to 1. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a silent master takes to be failed over. Defaults to 2000 ms. */
  nodeTimeoutMs?: number;
}

// A node's cluster bus listens on its port + 10,000, and redis-server refuses a port
// whose bus port would be past 65535.
const MAX_NODE_PORT = 55_535;
const MIN_NODE_PORT = 20_000;

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'messenger-cluster-'));
  const ports = await clusterPorts(masters * (replicas + 1));
  const children = new Map<number, ChildProcess>();

  async function launch(port: number): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', String(nodeTimeoutMs),
        '--save', '',
        '--appendonly', 'no',
        '--dir', dir,
      ], // prettier-ignore
      { stdio: 'ignore' },
    );
    children.set(port, child);
    await waitForPing(port);
  }

  async function kill(port: number): Promise<void> {
    const child = children.get(port);
    // A child killed by a signal keeps exitCode null (signalCode is set): it has exited too.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  const info = (port: number, section: string) =>
    askNode(port, (redis) => (section === 'cluster' ? redis.cluster('INFO') : redis.info(section)));

  const live = () => ports.filter((port) => children.get(port)?.exitCode === null && !children.get(port)?.signalCode);

  async function waitUntilOk(timeoutMs = 20_000): Promise<void> {
    await waitFor(`the cluster on ${ports.join(',')} to be ok`, timeoutMs, async () => {
      for (const port of live()) {
        if (!(await info(port, 'cluster'))?.includes('cluster_state:ok')) return false;
        const replication = await info(port, 'replication');
        if (replication?.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
      }
      return true;
    });
  }

  try {
    await Promise.all(ports.map(launch));
    await run('redis-cli', [
      '--cluster', 'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas', String(replicas),
      '--cluster-yes',
    ]); // prettier-ignore
    await waitUntilOk();
  } catch (error) {
    await Promise.all(ports.map(kill));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  async function masterOfSlot(slot: number): Promise<number> {
    for (const port of live()) {
      const ranges = (await askNode(port, (redis) => redis.cluster('SLOTS'))) as
        [number, number, [string, number]][] | undefined;
      const range = ranges?.find(([from, to]) => slot >= from && slot <= to);
      if (range) return range[2][1];
    }
    throw new Error(`no live node knows who serves slot ${slot}`);
  }

  return {
    nodesEnv: ports.map((port) => `127.0.0.1:${port}`).join(','),
    ports,
    pids: () => [...children.values()].flatMap((child) => (child.pid === undefined ? [] : [child.pid])),
    masterOfSlot,
    async migrateSlot(slot, toPort) {
      const fromPort = await masterOfSlot(slot);
      const [from, to] = [fromPort, toPort].map((port) => new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 }));
      try {
        const [fromId, toId] = await Promise.all([from!.cluster('MYID'), to!.cluster('MYID')]);
        await to!.cluster('SETSLOT', slot, 'IMPORTING', fromId);
        await from!.cluster('SETSLOT', slot, 'MIGRATING', toId);
        for (;;) {
          const keys = await from!.cluster('GETKEYSINSLOT', slot, 100);
          if (keys.length === 0) break;
          await from!.migrate('127.0.0.1', toPort, '', 0, 5000, 'KEYS', ...keys);
        }
        await to!.cluster('SETSLOT', slot, 'NODE', toId);
        await from!.cluster('SETSLOT', slot, 'NODE', toId);
      } finally {
        from!.disconnect();
        to!.disconnect();
      }
    },
    kill,
    restart: launch,
    waitUntilOk,
    async stop() {
      await Promise.all(ports.map(kill));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `count` ports where both the port and its cluster bus port (+10,000) are free right now. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = MIN_NODE_PORT + Math.floor(Math.random() * (MAX_NODE_PORT - MIN_NODE_PORT));
    if (ports.some((taken) => Math.abs(taken - port) === 10_000 || taken === port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForPing(port: number): Promise<void> {
  await waitFor(`redis-server on port ${port} to start`, 5000, async () => {
    return (await askNode(port, (redis) => redis.ping())) === 'PONG';
  });
}

/** One command's answer from one node, on a connection of its own; undefined when the node cannot answer. */
async function askNode<T>(port: number, ask: (redis: Redis) => Promise<T>): Promise<T | undefined> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // A node that is down (killed, or still starting) is an answer here, not an error to report.
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await ask(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
