/**
 * Listening on 127.0.0.1, and stopping (every open connection cut), for the scripted servers: a
 * server that stops listening plays one that cannot be reached, then comes back on its port.
 */
import type { Server, ServerResponse } from 'node:http';

export interface Listener {
  listen(port: number): Promise<void>;
  /** Closes the listener and cuts every connection still open: new requests are refused. */
  shutdown(): Promise<void>;
}

export function listener(server: Server, open: Set<ServerResponse>): Listener {
  return {
    listen: (port) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    shutdown: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.socket?.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
