import { h, stateBadge } from './dom.js';
import { metrics } from './metrics-history.js';
import { api, seg, type TaskStatus } from './rest-api.js';
import { sparkline } from './sparkline.js';

/**
 * A connector's tasks: state, worker, records/s and lag over the last minutes, error and
 * dead letter queue counts. With `onRestart`, each task gets a restart button.
 */
export function taskTable(
  connector: string,
  type: string,
  tasks: readonly TaskStatus[],
  onRestart?: (message: string) => void,
): HTMLElement {
  if (tasks.length === 0) return h('p', { class: 'muted' }, 'No tasks.');
  return h(
    'table',
    { class: 'tasks' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Task', 'State', 'Worker', 'Records/s', 'Lag', 'Errors', 'DLQ'].map((c) => h('th', {}, c)),
        onRestart ? h('th', {}, '') : null,
      ),
    ),
    h(
      'tbody',
      {},
      tasks.map((t) => {
        const s = metrics.series(connector, t.id);
        const testId = `${connector}-${t.id}`;
        return h(
          'tr',
          { 'data-task': t.id },
          h('td', {}, String(t.id)),
          h(
            'td',
            {},
            stateBadge(t.state),
            t.trace ? h('pre', { class: 'trace' }, firstLine(t.trace)) : null,
          ),
          h('td', {}, t.worker_id),
          h('td', {}, sparkline(s.rate, 'rec/s', `rate-${testId}`)),
          h(
            'td',
            {},
            type === 'sink'
              ? sparkline(s.lag, 'behind', `lag-${testId}`)
              : h('span', { class: 'muted' }, 'n/a (source)'),
          ),
          h('td', { class: s.errors > 0 ? 'bad' : '' }, String(s.errors)),
          h('td', { class: s.dlq > 0 ? 'bad' : '' }, String(s.dlq)),
          onRestart
            ? h(
                'td',
                {},
                h(
                  'button',
                  {
                    onclick: () =>
                      api('POST', `/connectors/${seg(connector)}/tasks/${t.id}/restart`).then(
                        () => onRestart(`Task ${t.id} restarted`),
                        (e: Error) => onRestart(e.message),
                      ),
                  },
                  'Restart',
                ),
              )
            : null,
        );
      }),
    ),
  );
}

function firstLine(trace: string): string {
  return trace.split('\n')[0] ?? trace;
}
