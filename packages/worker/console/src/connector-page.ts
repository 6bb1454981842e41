import { fill, h, section, stateBadge } from './dom.js';
import { api, type ConfigKeyInfo, type ConnectorStatus, seg } from './rest-api.js';
import { taskTable } from './task-table.js';

/** Shown instead of a PASSWORD value (the REST API already answers `[hidden]`). */
export const HIDDEN = '••••••';

/**
 * `#/connectors/{name}`: status and tasks (refreshed), the lifecycle actions, the config (password
 * values never shown) and the offsets, which can be altered or reset while the connector is STOPPED.
 */
export async function connectorPage(root: HTMLElement, name: string): Promise<() => Promise<void>> {
  const path = `/connectors/${seg(name)}`;
  const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'notice' });
  const say = (message: string, bad = false) => {
    notice.textContent = message;
    notice.className = bad ? 'notice bad' : 'notice';
  };
  const head = h('div', { class: 'page-head' });
  const status = h('div');
  const config = h('div');
  const offsets = h('div');

  const act = (label: string, method: string, url: string, done: string) =>
    h(
      'button',
      {
        'data-action': label,
        onclick: async () => {
          try {
            await api(method, url);
            say(done);
            await refresh();
          } catch (e) {
            say((e as Error).message, true);
          }
        },
      },
      label,
    );
  const actions = h(
    'div',
    { class: 'actions' },
    act('Pause', 'PUT', `${path}/pause`, 'Pause requested'),
    act('Resume', 'PUT', `${path}/resume`, 'Resume requested'),
    act('Stop', 'PUT', `${path}/stop`, 'Stopped: tasks shut down, config and offsets kept'),
    act('Restart', 'POST', `${path}/restart`, 'Connector restarted'),
    act(
      'Restart with tasks',
      'POST',
      `${path}/restart?includeTasks=true`,
      'Connector and tasks restarting',
    ),
    act(
      'Restart failed',
      'POST',
      `${path}/restart?includeTasks=true&onlyFailed=true`,
      'Failed connector and tasks restarting',
    ),
    h('a', { class: 'button', href: `#/connectors/${seg(name)}/edit` }, 'Edit config'),
    h(
      'button',
      {
        class: 'danger',
        'data-action': 'Delete',
        onclick: async () => {
          if (!window.confirm(`Delete the connector ${name}? Its offsets are kept.`)) return;
          try {
            await api('DELETE', path);
            location.hash = '#/connectors';
          } catch (e) {
            say((e as Error).message, true);
          }
        },
      },
      'Delete',
    ),
  );

  fill(
    root,
    head,
    notice,
    section('Actions', actions),
    section('Status', status),
    section('Offsets', offsets),
    section('Config', config),
  );

  const refresh = async () => {
    const s = await api<ConnectorStatus>('GET', `${path}/status`);
    fill(
      head,
      h('h1', {}, name),
      h('span', { class: 'type' }, s.type),
      stateBadge(s.connector.state),
      h('span', { class: 'muted' }, `connector on ${s.connector.worker_id}`),
    );
    fill(
      status,
      s.connector.trace ? h('pre', { class: 'trace' }, s.connector.trace) : null,
      taskTable(name, s.type, s.tasks, (m) => say(m)),
    );
  };
  await refresh();
  await showConfig(config, path);
  await showOffsets(offsets, path, say);
  return refresh;
}

async function showConfig(el: HTMLElement, path: string): Promise<void> {
  const config = await api<Record<string, string>>('GET', `${path}/config`);
  const plugin = config['connector.class'] ?? '';
  // The REST API hides PASSWORD values already; the plugin's definition hides them here again,
  // so a value is never shown even if an older worker answered it.
  const defs = await api<ConfigKeyInfo[]>('GET', `/connector-plugins/${seg(plugin)}/config`).catch(
    () => [] as ConfigKeyInfo[],
  );
  const passwords = new Set(defs.filter((d) => d.type === 'PASSWORD').map((d) => d.name));
  fill(
    el,
    h(
      'table',
      { class: 'config' },
      h(
        'tbody',
        {},
        Object.keys(config)
          .sort()
          .map((key) =>
            h(
              'tr',
              {},
              h('th', {}, key),
              h('td', {}, passwords.has(key) ? HIDDEN : (config[key] ?? '')),
            ),
          ),
      ),
    ),
  );
}

interface Offsets {
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];
}

async function showOffsets(
  el: HTMLElement,
  path: string,
  say: (message: string, bad?: boolean) => void,
): Promise<void> {
  let current: Offsets;
  try {
    current = await api<Offsets>('GET', `${path}/offsets`);
  } catch (e) {
    fill(el, h('p', { class: 'bad' }, (e as Error).message));
    return;
  }
  const editor = h('textarea', {
    rows: 6,
    class: 'json',
    'data-testid': 'offsets-editor',
    'aria-label': 'Offsets to write, as JSON',
    value: JSON.stringify(current, null, 2),
  });
  const reload = () => showOffsets(el, path, say);
  fill(
    el,
    h(
      'p',
      { class: 'muted' },
      'Offsets can be altered or reset only while the connector is STOPPED (Stop above).',
    ),
    current.offsets.length === 0
      ? h('p', { class: 'muted' }, 'No committed offsets.')
      : h(
          'table',
          { class: 'offsets', 'data-testid': 'offsets' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Partition'), h('th', {}, 'Offset'))),
          h(
            'tbody',
            {},
            current.offsets.map((o) =>
              h(
                'tr',
                {},
                h('td', {}, JSON.stringify(o.partition)),
                h('td', {}, JSON.stringify(o.offset)),
              ),
            ),
          ),
        ),
    h('label', {}, 'Alter: edit the offsets (null removes one) and write them', editor),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          'data-action': 'Alter offsets',
          onclick: async () => {
            let body: unknown;
            try {
              body = JSON.parse(editor.value);
            } catch (e) {
              say(`The offsets are not JSON: ${(e as Error).message}`, true);
              return;
            }
            try {
              const r = await api<{ message: string }>('PATCH', `${path}/offsets`, body);
              say(r.message);
              await reload();
            } catch (e) {
              say((e as Error).message, true);
            }
          },
        },
        'Alter offsets',
      ),
      h(
        'button',
        {
          class: 'danger',
          'data-action': 'Reset offsets',
          onclick: async () => {
            if (!window.confirm('Remove every committed offset of this connector?')) return;
            try {
              const r = await api<{ message: string }>('DELETE', `${path}/offsets`);
              say(r.message);
              await reload();
            } catch (e) {
              say((e as Error).message, true);
            }
          },
        },
        'Reset offsets',
      ),
      h('button', { onclick: () => void reload() }, 'Reload offsets'),
    ),
  );
}
