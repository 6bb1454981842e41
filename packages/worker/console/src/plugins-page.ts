import { fill, h } from './dom.js';
import { api, type ConfigKeyInfo, type PluginInfo, seg } from './rest-api.js';

/** `#/plugins`: every installed plugin; a connector plugin links to its config table. */
export async function pluginsPage(root: HTMLElement): Promise<void> {
  const plugins = await api<PluginInfo[]>('GET', '/connector-plugins?connectorsOnly=false');
  const withConfig = new Set(['source', 'sink']);
  fill(
    root,
    h('h1', {}, 'Plugins'),
    h(
      'table',
      { class: 'plugins' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'Class'), h('th', {}, 'Type'), h('th', {}, 'Version')),
      ),
      h(
        'tbody',
        {},
        plugins.map((p) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              withConfig.has(p.type)
                ? h('a', { href: `#/plugins/${seg(p.class)}` }, p.class)
                : p.class,
            ),
            h('td', {}, p.type),
            h('td', {}, p.version),
          ),
        ),
      ),
    ),
  );
}

/** `#/plugins/{class}`: a connector plugin's config keys, then the framework's. */
export async function pluginPage(root: HTMLElement, plugin: string): Promise<void> {
  const keys = await api<ConfigKeyInfo[]>('GET', `/connector-plugins/${seg(plugin)}/config`);
  fill(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, plugin),
      h('a', { class: 'button primary', href: `#/new/${seg(plugin)}` }, 'Create a connector'),
    ),
    h(
      'table',
      { class: 'config-keys' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Key', 'Type', 'Default', 'Importance', 'Group', 'Description'].map((c) =>
            h('th', {}, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        keys.map((k) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', {}, k.name), k.required ? ' (required)' : ''),
            h('td', {}, k.type.toLowerCase()),
            h('td', {}, k.default_value ?? ''),
            h('td', {}, k.importance.toLowerCase()),
            h('td', {}, k.group ?? ''),
            h('td', {}, k.documentation),
          ),
        ),
      ),
    ),
  );
}
