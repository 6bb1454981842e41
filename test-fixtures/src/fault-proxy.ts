/**
 * A TCP proxy on loopback that injects network faults between a client under test and its
 * server (Kafka, PostgreSQL): added latency, a stall (nothing moves either way until it is
 * lifted, as when a link goes dark) and connection resets. What toxiproxy does, in-process.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to. */
export interface FaultProxyOptions {
  readonly upstreamHost?: string;
  readonly upstreamPort: number;
  /** Port to listen on (default: a free one). */
  readonly port?: number;
}

/** How long a connection reset mid-response stays open with the partial chunk delivered. */
const MID_RESPONSE_RESET_DELAY_MS = 200;

interface Link {
  readonly client: Socket;
  readonly server: Socket;
  /** Set by {@link FaultProxy.resetMidResponse}: cut at the next chunk from the server. */
  cut?: boolean;
}

export class FaultProxy {
  private readonly links = new Set<Link>();
  private latencyMs = 0;
  private stalled = false;
  /** Connections made since the proxy was created. */
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Starts listening on loopback; resolves with the proxy. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as { port: number };
    return new FaultProxy(server, port, options.upstreamHost ?? '127.0.0.1', options.upstreamPort);
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Delays every chunk by `ms` in both directions (0: none); order is kept. */
  latency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Nothing moves in either direction, on open or new connections, until `clear()`. */
  stall(): void {
    this.stalled = true;
    for (const link of this.links) {
      link.client.pause();
      link.server.pause();
    }
  }

  /** Lifts the stall and the latency. */
  clear(): void {
    this.latencyMs = 0;
    if (!this.stalled) return;
    this.stalled = false;
    for (const link of this.links) {
      link.client.resume();
      link.server.resume();
    }
  }

  /** Resets (TCP RST) every open connection, both sides; new connections are accepted. */
  reset(): number {
    const count = this.links.size;
    for (const link of this.links) {
      link.client.resetAndDestroy();
      link.server.resetAndDestroy();
    }
    this.links.clear();
    return count;
  }

  /**
   * Resets every open connection in the middle of the next chunk the server sends on it: all but
   * the chunk's last byte reach the client, nothing more, and the connection is reset both sides
   * {@link MID_RESPONSE_RESET_DELAY_MS} later. The client is left holding part of a response, as
   * when a reset lands while a large response is on the wire (what `reset()` hits only by
   * chance). Connections made afterwards are not affected. Returns how many were armed.
   */
  resetMidResponse(): number {
    for (const link of this.links) link.cut = true;
    return this.links.size;
  }

  /** Resets the open connections and stops listening. */
  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.connections++;
    const server = connect({ host: this.upstreamHost, port: this.upstreamPort });
    server.pause();
    const link: Link = { client, server };
    this.links.add(link);
    const end = () => {
      this.links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    this.pipe(client, server);
    this.pipe(server, client, link);
    server.once('connect', () => {
      if (!this.stalled) {
        client.resume();
        server.resume();
      }
    });
  }

  /**
   * Copies `from` to `to`, each chunk after the latency then in force; `cutLink`: the link whose
   * server is `from`, cut mid-chunk once armed.
   */
  private pipe(from: Socket, to: Socket, cutLink?: Link): void {
    let last = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (cutLink?.cut) {
        cutLink.cut = false;
        from.pause();
        this.links.delete(cutLink);
        last = last.then(() => {
          if (!to.destroyed) to.write(chunk.subarray(0, chunk.length - 1));
          // Later, not at once: a reset discards what the client has not read yet.
          setTimeout(() => {
            cutLink.client.resetAndDestroy();
            cutLink.server.resetAndDestroy();
          }, MID_RESPONSE_RESET_DELAY_MS);
        });
        return;
      }
      if (this.latencyMs === 0) {
        // Queued writes of an earlier latency go first.
        last = last.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      const delay = new Promise<void>((resolve) => setTimeout(resolve, this.latencyMs));
      last = Promise.all([last, delay]).then(() => {
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on('end', () => {
      last = last.then(() => {
        if (!to.destroyed) to.end();
      });
    });
  }
}
