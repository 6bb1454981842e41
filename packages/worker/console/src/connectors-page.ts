import { fill, h, stateBadge } from './dom.js';
import { api, type ConnectorInfo, type ConnectorStatus, seg } from './rest-api.js';
import { taskTable } from './task-table.js';

type Expanded = Record<string, { status: ConnectorStatus; info: ConnectorInfo }>;

/** `#/connectors`: every connector with its state and its tasks' charts. */
export async function connectorsPage(root: HTMLElement): Promise<() => Promise<void>> {
  const list = h('div', { class: 'cards' });
  fill(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Connectors'),
      h('a', { class: 'button primary', href: '#/new' }, 'New connector'),
    ),
    list,
  );
  const refresh = async () => {
    const all = await api<Expanded>('GET', '/connectors?expand=status&expand=info');
    const names = Object.keys(all).sort();
    if (names.length === 0) {
      fill(list, h('p', { class: 'muted' }, 'No connectors yet: create one with New connector.'));
      return;
    }
    fill(
      list,
      names.map((name) => {
        const { status, info } = all[name] as Expanded[string];
        return h(
          'article',
          { class: 'card', 'data-connector': name },
          h(
            'header',
            {},
            h('a', { href: `#/connectors/${seg(name)}`, class: 'name' }, name),
            h('span', { class: 'type' }, status.type),
            stateBadge(status.connector.state),
            h('span', { class: 'muted' }, `on ${status.connector.worker_id}`),
            h('span', { class: 'muted plugin' }, info.config['connector.class'] ?? ''),
          ),
          taskTable(name, status.type, status.tasks),
        );
      }),
    );
  };
  await refresh();
  return refresh;
}
