import net from 'node:net';

/**
 * A TCP proxy to PostgreSQL that a test can cut, for "PostgreSQL is down" without
 * stopping the PostgreSQL every other test file shares.
 */
export interface DatabaseProxy {
  /** DATABASE_URL with host and port replaced by the proxy's. */
  url: string;
  /** Drops every connection and refuses new ones, as a dead server would. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port (nothing when it already does). */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDatabaseProxy(databaseUrl: string): Promise<DatabaseProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  async function open() {
    // Already accepting: restoring twice (a test, then its afterEach) changes nothing.
    if (server) return;
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', resolve);
    });
    port = (server.address() as net.AddressInfo).port;
  }

  async function cut() {
    if (!server) return;
    const closed = new Promise((resolve) => server!.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
    server = undefined;
  }

  await open();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), cut, restore: open, stop: cut };
}
