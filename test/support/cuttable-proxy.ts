// A TCP proxy a test can cut: between OpenUM and its PostgreSQL, so the store becomes unreachable
// while the server runs. cut() destroys every open connection and, until restore(), destroys each
// new one as it arrives (the client sees its connection refused or ended at once, as when the
// database server goes away); the listening port stays, so restore() is the same address again.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CuttableProxy {
  host: string;
  port: number;
  /** Connections carried since the start (accepted while not cut). */
  readonly carried: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function cuttableProxy(listen: string, target: { host: string; port: number }): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let carried = 0;
  const server: Server = createServer((client) => {
    if (isCut) return void client.destroy();
    carried++;
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listen, () => resolve((server.address() as { port: number }).port));
  });
  return {
    host: listen,
    port,
    get carried() { return carried; },
    cut() {
      isCut = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    close: () => new Promise((resolve) => {
      isCut = true;
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
