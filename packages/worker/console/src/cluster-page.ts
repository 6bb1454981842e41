import { fill, h, section, stateBadge } from './dom.js';
import { metrics } from './metrics-history.js';
import { ApiError, api, type ConnectorStatus } from './rest-api.js';

interface ClusterInfo {
  group_id: string;
  worker_id: string;
  worker_url: string;
  leader_url: string | null;
  generation: number;
  rebalancing: boolean;
  workers: string[];
}

type Statuses = Record<string, { status: ConnectorStatus }>;

/** `#/cluster`: the workers (leader marked), what each runs, and the rebalances. */
export async function clusterPage(root: HTMLElement): Promise<() => Promise<void>> {
  const refresh = async () => {
    const [rootInfo, cluster, statuses] = await Promise.all([
      api<{ version: string; kafka_cluster_id: string }>('GET', '/'),
      // A standalone worker has no cluster: GET /cluster answers 404.
      api<ClusterInfo>('GET', '/cluster').catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
      api<Statuses>('GET', '/connectors?expand=status'),
    ]);
    const work = new Map<string, { connectors: number; tasks: Record<string, number> }>();
    const count = (worker: string) => {
      let w = work.get(worker);
      if (!w) {
        w = { connectors: 0, tasks: {} };
        work.set(worker, w);
      }
      return w;
    };
    for (const { status } of Object.values(statuses)) {
      count(status.connector.worker_id).connectors++;
      for (const t of status.tasks) {
        const w = count(t.worker_id);
        w.tasks[t.state] = (w.tasks[t.state] ?? 0) + 1;
      }
    }
    const hostOf = (url: string) => {
      try {
        return new URL(url).host;
      } catch {
        return url;
      }
    };
    const workers = cluster
      ? cluster.workers.map(hostOf)
      : [...new Set([location.host, ...work.keys()])];
    const leader = cluster?.leader_url ? hostOf(cluster.leader_url) : null;
    const rebalances = metrics.gauge('kafka_connect_worker_rebalance_completed_rebalances_total');
    const sinceMs = metrics.gauge('kafka_connect_worker_rebalance_time_since_last_rebalance_ms');
    const avgMs = metrics.gauge('kafka_connect_worker_rebalance_rebalance_avg_time_ms');
    fill(
      root,
      h('h1', {}, 'Cluster'),
      section(
        'Overview',
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Mode'),
          h(
            'dd',
            { 'data-testid': 'mode' },
            cluster ? `distributed, group ${cluster.group_id}` : 'standalone',
          ),
          h('dt', {}, 'Kafka cluster'),
          h('dd', {}, rootInfo.kafka_cluster_id),
          h('dt', {}, 'Sluice runtime'),
          h('dd', {}, rootInfo.version),
          cluster ? [h('dt', {}, 'Generation'), h('dd', {}, String(cluster.generation))] : null,
          cluster
            ? [
                h('dt', {}, 'Rebalance'),
                h(
                  'dd',
                  {},
                  cluster.rebalancing
                    ? h('span', { class: 'state state-restarting' }, '↻ REBALANCING')
                    : h('span', { class: 'state state-running' }, '● STABLE'),
                  rebalances ? ` ${rebalances.value} completed` : '',
                  sinceMs ? `, last ${Math.round(sinceMs.value / 1000)} s ago` : '',
                  avgMs ? `, ${Math.round(avgMs.value)} ms on average` : '',
                ),
              ]
            : null,
        ),
      ),
      section(
        'Workers',
        h(
          'table',
          { class: 'workers' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Worker', 'Role', 'Connectors', 'Tasks'].map((c) => h('th', {}, c)),
            ),
          ),
          h(
            'tbody',
            {},
            workers.map((w) => {
              const counts = work.get(w) ?? { connectors: 0, tasks: {} };
              const roles = [
                w === leader ? 'leader' : null,
                w === location.host || (cluster && w === hostOf(cluster.worker_url))
                  ? 'this console'
                  : null,
              ].filter(Boolean);
              return h(
                'tr',
                { 'data-worker': w },
                h('td', {}, w),
                h('td', {}, roles.join(', ')),
                h('td', {}, String(counts.connectors)),
                h(
                  'td',
                  {},
                  Object.entries(counts.tasks).map(([state, n]) =>
                    h('span', { class: 'count' }, stateBadge(state), ` ×${n} `),
                  ),
                ),
              );
            }),
          ),
        ),
      ),
    );
  };
  await refresh();
  return refresh;
}
