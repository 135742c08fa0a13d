// A TCP proxy in front of the relay, one per desktop, that the convergence harness can cut:
// a partition. Two kinds, as networks fail:
// - `reset`: every open connection (the stream's WebSocket, a push in flight) is destroyed
//   and new ones are refused until healed, so the desktop sees errors and backs off;
// - `blackhole`: connections stay open but nothing passes either way (packets dropped, as a
//   firewall does); what was sent waits and flows when healed, unless a side gives up first.
// The relay's address can change (a restarted relay listens on a new port): new connections
// go to wherever `target` says then.
import net from 'node:net';

export type PartitionKind = 'reset' | 'blackhole';

export interface CuttableProxy {
  /** http://127.0.0.1:<port>, what the desktop is configured with. */
  readonly url: string;
  readonly partitioned: PartitionKind | null;
  cut(kind: PartitionKind): void;
  heal(): void;
  /** Drops every open connection once (a relay that went away), without refusing new ones. */
  dropAll(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export async function startProxy(target: () => number): Promise<CuttableProxy> {
  const pairs = new Set<Pair>();
  let partitioned: PartitionKind | null = null;
  const resumeAll = () => {
    for (const p of pairs) {
      p.client.resume();
      p.upstream.resume();
    }
  };
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (partitioned === 'reset') {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: target() });
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    // Forwarding by hand (not pipe) so a blackhole can stop reading on both sides.
    client.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) upstream.pause();
    });
    upstream.on('drain', () => partitioned === null && client.resume());
    client.on('drain', () => partitioned === null && upstream.resume());
    if (partitioned === 'blackhole') {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const destroyAll = () => {
    for (const p of [...pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    get partitioned() {
      return partitioned;
    },
    cut(kind) {
      partitioned = kind;
      if (kind === 'reset') destroyAll();
      else
        for (const p of pairs) {
          p.client.pause();
          p.upstream.pause();
        }
    },
    heal() {
      partitioned = null;
      resumeAll();
    },
    dropAll: destroyAll,
    async close() {
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
