import net from 'node:net';

/**
 * A TCP proxy in front of one server that counts what clients send through it: each
 * `data` chunk from a client is one write that reached the server. A pipeline of
 * commands goes out as one write (one round trip); commands sent one after another,
 * each waiting for its answer, are one write each.
 */
export interface CountingProxy {
  url: string;
  /** Client chunks since the last reset. */
  writes(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingProxy(
  target: { host: string; port: number },
  scheme = 'redis',
): Promise<CountingProxy> {
  let writes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('data', () => (writes += 1));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    writes: () => writes,
    reset: () => (writes = 0),
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
