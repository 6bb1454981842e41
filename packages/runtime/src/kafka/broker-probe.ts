import { connect } from 'node:net';
import type { Logger } from '../logging/logger.js';

/** True when a TCP connection to `host:port` opens within `timeoutMs`. */
function reachable(broker: string, timeoutMs: number): Promise<boolean> {
  const at = broker.lastIndexOf(':');
  const host = at > 0 ? broker.slice(0, at).replace(/^\[|\]$/g, '') : broker;
  const port = at > 0 ? Number(broker.slice(at + 1)) : 9092;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until one of the bootstrap brokers accepts TCP connections, logging one clear line per
 * attempt while none does (backoff 1 s doubling to 30 s), instead of the client's own noise.
 * Resolves false when `stopped()` turned true meanwhile.
 */
export async function waitForBrokers(
  brokers: readonly string[],
  log: Logger,
  stopped: () => boolean,
): Promise<boolean> {
  let delay = 1000;
  for (let attempt = 1; !stopped(); attempt++) {
    for (const broker of brokers) if (await reachable(broker, 5000)) return true;
    log.warn(
      { brokers, attempt },
      `Kafka is not reachable at ${brokers.join(',')}; retrying in ${Math.round(delay / 1000)}s (the worker starts once a broker answers)`,
    );
    const until = Date.now() + delay;
    while (!stopped() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    delay = Math.min(delay * 2, 30_000);
  }
  return false;
}
