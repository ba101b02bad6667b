/**
 * REDIS_CLUSTER_NODES: the seed nodes of a Redis Cluster, `host:port,host:port,...`,
 * any entry also as a `redis://` (or `rediss://`) URL with credentials. The client
 * learns the other nodes from these; one reachable node is enough to start.
 */
export interface RedisClusterSettings {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  /** TLS to every node: the entries were `rediss://` URLs. */
  tls: boolean;
}

/** The parsed setting, or a message saying what is wrong with it (never echoing a password). */
export function parseRedisClusterNodes(value: string): RedisClusterSettings | string {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'must list at least one host:port';
  const nodes: RedisClusterSettings['nodes'] = [];
  const credentials = new Set<string>();
  const schemes = new Set<string>();
  let settings: Omit<RedisClusterSettings, 'nodes'> = { tls: false };
  for (const [index, entry] of entries.entries()) {
    const url = toUrl(entry);
    const where = `entry ${index + 1}`;
    if (!url || !['redis:', 'rediss:'].includes(url.protocol) || !url.hostname) {
      return `${where} must be host:port or a redis:// URL`;
    }
    if (!url.port) return `${where} must name a port`;
    if (url.pathname && url.pathname !== '/')
      return `${where} must not name a database (a cluster has only database 0)`;
    schemes.add(url.protocol);
    const username = decodeURIComponent(url.username) || undefined;
    const password = decodeURIComponent(url.password) || undefined;
    if (username || password) {
      credentials.add(`${username}\n${password}`);
      settings = { ...settings, username, password };
    }
    nodes.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
  }
  // One client talks to every node with the same credentials and transport.
  if (credentials.size > 1) return 'entries name different credentials';
  if (schemes.size > 1) return 'entries mix redis:// and rediss://';
  return { nodes, ...settings, tls: schemes.has('rediss:') };
}

function toUrl(entry: string): URL | undefined {
  try {
    return new URL(entry.includes('://') ? entry : `redis://${entry}`);
  } catch {
    return undefined;
  }
}
