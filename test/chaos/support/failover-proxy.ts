import net from 'node:net';
import { LISTEN_BACKLOG } from '#libs/http';

/**
 * A TCP load balancer in front of several instances: each new connection goes to the
 * first backend that accepts it, so once an instance stops listening (shutting down,
 * or killed), clients reconnecting through the same URL reach the next one.
 */
export interface FailoverProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startFailoverProxy(backendUrls: string[]): Promise<FailoverProxy> {
  const backends = backendUrls.map((url) => new URL(url));
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    const connect = (index: number) => {
      const backend = backends[index];
      if (!backend || client.destroyed) return client.destroy();
      const upstream = net.connect(Number(backend.port), backend.hostname);
      track(upstream);
      upstream.once('error', () => {
        upstream.destroy();
        // Refused before anything was relayed: try the next instance.
        if (upstream.bytesWritten === 0) connect(index + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
    };
    connect(0);
  });
  // As deep an accept queue as the services have (libs/http/listen.ts): a storm must not overflow it.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
