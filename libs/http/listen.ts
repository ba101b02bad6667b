import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * How many connections the kernel queues for a service before it accepts them. Node's
 * default, 511, overflows in a reconnect storm (thousands of tabs told to reconnect
 * at once, or an instance's tabs arriving at the next one): the kernel then drops the
 * SYNs and each client waits out TCP's retransmission back-off (1, 3, 7, 15, 31 s…),
 * so a busy instance strands tabs for a minute. Linux caps it at net.core.somaxconn
 * (4096 by default since 5.4).
 */
export const LISTEN_BACKLOG = 4096;

/** Starts listening and resolves with the base URL (port 0 picks a free port). */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      const { port: actual } = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve(`http://${shownHost}:${actual}`);
    });
  });
}

/** Stops accepting connections and resolves once open ones have ended. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
