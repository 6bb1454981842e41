import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../src/fault-proxy.js';

/** A server answering each byte it reads with `size` bytes of 0x61, in one write. */
async function answering(size: number): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('data', () => socket.write(Buffer.alloc(size, 0x61)));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

/** Connects through `proxy`; collects what arrives and how the connection ended. */
async function client(proxy: FaultProxy) {
  const socket: Socket = connect({ host: '127.0.0.1', port: proxy.port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const got = { bytes: 0, error: null as string | null, closed: false };
  socket.on('data', (chunk: Buffer) => {
    got.bytes += chunk.length;
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    got.error = e.code ?? e.message;
  });
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      got.closed = true;
      resolve();
    }),
  );
  return { socket, got, closed };
}

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

describe('FaultProxy.resetMidResponse', () => {
  it('delivers all but the last byte of the next response, then resets the connection', async () => {
    const { server, port } = await answering(10_000);
    const proxy = await FaultProxy.start({ upstreamPort: port });
    closing.push(
      () => proxy.close(),
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    const c = await client(proxy);
    // A full answer first: the proxy forwards while not armed.
    c.socket.write('x');
    await waitUntil(() => c.got.bytes === 10_000);

    expect(proxy.resetMidResponse()).toBe(1);
    c.socket.write('x');
    await c.closed;
    // The server's 10,000 bytes may come in several chunks: the first is cut short by a byte.
    expect(c.got.bytes).toBeGreaterThan(10_000);
    expect(c.got.bytes).toBeLessThan(20_000);
    expect(c.got.error).toBe('ECONNRESET');
  });

  it('leaves connections made after it alone', async () => {
    const { server, port } = await answering(100);
    const proxy = await FaultProxy.start({ upstreamPort: port });
    closing.push(
      () => proxy.close(),
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    expect(proxy.resetMidResponse()).toBe(0);
    const c = await client(proxy);
    c.socket.write('x');
    await waitUntil(() => c.got.bytes === 100);
    expect(c.got.closed).toBe(false);
    c.socket.destroy();
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
