import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { ensureAptPackages } from '../apt-packages.js';
import type { ServiceDefinition } from '../service-definition.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';
const MASTERS = 3;

/**
 * The shell that supervises the cluster: it starts one redis-server per master, waits until
 * each answers, joins them with `redis-cli --cluster create` and then waits on them. It is
 * the process group leader the framework records, so SIGTERM to it (its trap) stops every
 * node, and SIGKILL to the group reaches them too.
 */
function supervisorScript(nodes: readonly { port: number; busPort: number }[], dir: string) {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const lines: string[] = [];
  nodes.forEach(({ port, busPort }, i) => {
    lines.push(
      [
        REDIS_SERVER,
        `--port ${port}`,
        `--cluster-port ${busPort}`,
        '--bind 127.0.0.1',
        '--cluster-enabled yes',
        `--cluster-config-file ${q(join(dir, `nodes-${port}.conf`))}`,
        // A node marked failing would make the whole cluster refuse writes: be patient.
        '--cluster-node-timeout 15000',
        `--save '' --appendonly no --dir ${q(dir)} --daemonize no --logfile ''`,
        `& pid${i}=$!`,
      ].join(' '),
    );
  });
  const pids = nodes.map((_, i) => `$pid${i}`).join(' ');
  lines.push(`stop() { kill ${pids} 2>/dev/null; wait; exit "$1"; }`);
  lines.push(`trap 'stop 0' TERM INT`);
  nodes.forEach(({ port }, i) => {
    lines.push(
      `until ${REDIS_CLI} -p ${port} ping >/dev/null 2>&1; do kill -0 $pid${i} 2>/dev/null || stop 1; sleep 0.1; done`,
    );
  });
  lines.push(
    `${REDIS_CLI} --cluster create ${nodes.map(({ port }) => `127.0.0.1:${port}`).join(' ')} --cluster-replicas 0 --cluster-yes || stop 1`,
  );
  lines.push('wait');
  return lines.join('\n');
}

/** `CLUSTER INFO` of one node as a map. */
async function clusterInfo(host: string, port: number): Promise<Map<string, string>> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let socketError: unknown;
  client.on('error', (error: unknown) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    const text = (await client.call('CLUSTER', 'INFO')) as string;
    return new Map(
      text
        .split(/\r?\n/)
        .filter((line) => line.includes(':'))
        .map((line) => line.split(':', 2) as [string, string]),
    );
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}

/**
 * A Redis Cluster of three masters (no replicas), each a redis-server from Debian's package on
 * loopback with persistence off, joined by `redis-cli --cluster create`. The connection is the
 * first master's URL: cluster clients discover the others from it.
 */
export const redisCluster: ServiceDefinition = {
  name: 'redis-cluster',
  version: 'debian',
  envVar: 'SLUICE_REDIS_CLUSTER_URL',
  envExample: 'redis://127.0.0.1:7000',
  source: 'Debian package redis-server (apt-get), 3 masters joined by redis-cli --cluster create',

  async install(ctx) {
    await ensureAptPackages(
      ctx,
      ['redis-server'],
      () => existsSync(REDIS_SERVER) && existsSync(REDIS_CLI),
    );
  },

  async start(ctx) {
    const nodes: { port: number; busPort: number }[] = [];
    for (let i = 0; i < MASTERS; i++) {
      nodes.push({
        port: await ctx.port(i === 0 ? 'main' : `node${i + 1}`),
        busPort: await ctx.port(`bus${i + 1}`),
      });
    }
    const pid = ctx.spawnDaemon('/bin/sh', ['-c', supervisorScript(nodes, ctx.stateDir)]);
    return { connection: `redis://127.0.0.1:${nodes[0]?.port}`, pid };
  },

  async checkReady(connection) {
    const seed = new URL(connection);
    const info = await clusterInfo(seed.hostname, Number(seed.port));
    if (info.get('cluster_state') !== 'ok') {
      throw new Error(`cluster_state is ${info.get('cluster_state') ?? 'unknown'}, not ok`);
    }
    // Every master must agree before clients are let loose: a node still joining answers
    // CLUSTERDOWN. Then one write and read through a cluster client, as the tests will do.
    const cluster = new Cluster([{ host: seed.hostname, port: Number(seed.port) }], {
      enableOfflineQueue: true,
      clusterRetryStrategy: () => null,
      redisOptions: { connectTimeout: 2_000, maxRetriesPerRequest: 0 },
    });
    cluster.on('error', () => {});
    try {
      const masters = ((await cluster.call('CLUSTER', 'NODES')) as string)
        .split('\n')
        .filter((line) => line.includes('master'))
        .map((line) => (line.split(' ')[1] ?? '').split('@')[0] ?? '');
      for (const node of masters) {
        const [host = '', port = ''] = node.split(':');
        const state = (await clusterInfo(host, Number(port))).get('cluster_state');
        if (state !== 'ok') throw new Error(`node ${node} has cluster_state ${state}`);
      }
      const key = `sluice:ready:${process.pid}`;
      await cluster.set(key, 'ok', 'EX', 10);
      if ((await cluster.get(key)) !== 'ok') throw new Error('a write did not read back');
    } finally {
      cluster.disconnect();
    }
  },
};
