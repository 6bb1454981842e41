import { fill, h } from './dom.js';
import { api, type ConfigInfos, type ConfigKeyInfo, type PluginInfo, seg } from './rest-api.js';

/** How long typing pauses before the config is validated. */
const VALIDATE_DELAY_MS = 300;

interface Field {
  row: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
  errors: HTMLElement;
  def: ConfigKeyInfo;
  touched: boolean;
}

/**
 * `#/new[/{plugin}]` and `#/connectors/{name}/edit`: a form generated from the plugin's config
 * definition, validated as you type through `PUT /connector-plugins/{plugin}/config/validate`,
 * each error shown beside its key. Editing sends only the keys changed (PATCH), so a hidden
 * password is kept, never sent back as `[hidden]`.
 */
export async function connectorForm(
  root: HTMLElement,
  opts: { plugin?: string; edit?: string },
): Promise<void> {
  let plugin = opts.plugin;
  let original: Record<string, string> = {};
  if (opts.edit !== undefined) {
    original = await api<Record<string, string>>('GET', `/connectors/${seg(opts.edit)}/config`);
    plugin = original['connector.class'];
  }
  if (!plugin) {
    await pluginChooser(root);
    return;
  }
  const defs = await api<ConfigKeyInfo[]>('GET', `/connector-plugins/${seg(plugin)}/config`);
  const fields = new Map<string, Field>();
  const groups = new Map<string, HTMLElement>();
  const form = h('form', { class: 'config-form', novalidate: true });
  const summary = h('p', { class: 'summary', role: 'status', 'data-testid': 'validation' });
  const failure = h('p', { class: 'notice bad', role: 'alert', 'data-testid': 'submit-error' });
  const extra = h('textarea', {
    rows: 3,
    name: 'extra',
    placeholder: 'producer.override.linger.ms=50',
    'aria-label': 'More keys, one key=value a line',
  });
  const editing = opts.edit !== undefined;
  let submitted = false;

  const groupEl = (group: string | null): HTMLElement => {
    const title = group ?? 'Connector';
    let el = groups.get(title);
    if (!el) {
      const open = group === null || group === 'Common';
      el = h('fieldset', { class: 'group' });
      const wrap = h('details', { open }, h('summary', {}, title), el);
      form.insertBefore(wrap, extraRow);
      groups.set(title, el);
    }
    return el;
  };

  const addField = (def: ConfigKeyInfo): void => {
    if (fields.has(def.name)) return;
    const id = `key-${def.name}`;
    const value = original[def.name];
    let input: HTMLInputElement | HTMLSelectElement;
    if (def.type === 'BOOLEAN') {
      input = h(
        'select',
        { id, name: def.name },
        h('option', { value: '' }, `default (${def.default_value ?? 'none'})`),
        h('option', { value: 'true' }, 'true'),
        h('option', { value: 'false' }, 'false'),
      );
      input.value = value ?? '';
    } else {
      input = h('input', {
        id,
        name: def.name,
        type: def.type === 'PASSWORD' ? 'password' : 'text',
        autocomplete: def.type === 'PASSWORD' ? 'new-password' : 'off',
        list: `${id}-values`,
        placeholder:
          def.type === 'PASSWORD' && editing
            ? 'hidden: leave empty to keep it'
            : (def.default_value ?? (def.required ? 'required' : '')),
        // A password's value is never put in the page.
        value: def.type === 'PASSWORD' ? '' : (value ?? ''),
      });
    }
    if (def.name === 'connector.class' || (editing && def.name === 'name')) {
      input.value = def.name === 'name' ? (opts.edit ?? '') : (plugin ?? '');
      input.setAttribute('readonly', '');
      input.setAttribute('disabled', '');
    }
    const errors = h('span', {
      class: 'errors',
      'data-errors-for': def.name,
      'aria-live': 'polite',
    });
    const row = h(
      'div',
      { class: 'field', 'data-key': def.name },
      h(
        'label',
        { for: id },
        h('code', {}, def.name),
        def.required ? h('span', { class: 'required', title: 'required' }, ' *') : null,
        h('span', { class: 'muted' }, ` ${def.type.toLowerCase()}`),
      ),
      input,
      h('datalist', { id: `${id}-values` }),
      errors,
      h('small', { class: 'doc' }, def.documentation),
    );
    const field: Field = { row, input, errors, def, touched: false };
    input.addEventListener('input', () => {
      field.touched = true;
      schedule();
    });
    input.addEventListener('change', () => {
      field.touched = true;
      schedule();
    });
    fields.set(def.name, field);
    groupEl(def.group).appendChild(row);
  };

  /** The keys the user set, as the REST API takes them. */
  const values = (): Record<string, string> => {
    const out: Record<string, string> = {};
    // Keys of the connector the form has no field for yet (a transform's, before validation).
    for (const [key, value] of Object.entries(original)) if (!fields.has(key)) out[key] = value;
    out['connector.class'] = plugin as string;
    for (const [key, f] of fields) {
      if (f.input.disabled) continue;
      if (f.input.value !== '') out[key] = f.input.value;
      // An empty password field keeps the password: it goes as the API showed it, and PATCH
      // leaves it out because it did not change.
      else if (f.def.type === 'PASSWORD' && original[key] !== undefined) out[key] = original[key];
    }
    if (editing) out.name = opts.edit as string;
    for (const line of extra.value.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    return out;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void validate(), VALIDATE_DELAY_MS);
  };
  const validate = async (): Promise<number> => {
    const mine = ++generation;
    let infos: ConfigInfos;
    try {
      infos = await api<ConfigInfos>(
        'PUT',
        `/connector-plugins/${seg(plugin as string)}/config/validate`,
        values(),
      );
    } catch (e) {
      summary.textContent = `Cannot validate: ${(e as Error).message}`;
      return 1;
    }
    if (mine !== generation) return infos.error_count;
    for (const c of infos.configs) {
      // Keys that appear with what was typed (a transform's own keys once transforms lists it).
      addField(c.definition);
      const f = fields.get(c.definition.name) as Field;
      f.row.hidden = !c.value.visible;
      const list = f.row.querySelector('datalist') as HTMLDataListElement;
      fill(
        list,
        c.value.recommended_values.map((v) => h('option', { value: v })),
      );
      const show = (f.touched || submitted) && c.value.errors.length > 0;
      f.row.classList.toggle('invalid', show);
      fill(f.errors, show ? c.value.errors.join(' ') : '');
      if (show) (f.row.closest('details') as HTMLDetailsElement).open = true;
    }
    summary.textContent =
      infos.error_count === 0
        ? '✔ The config is valid.'
        : `✖ ${infos.error_count} problem(s) in the config.`;
    summary.className = infos.error_count === 0 ? 'summary good' : 'summary bad';
    return infos.error_count;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    submitted = true;
    failure.textContent = '';
    const errorCount = await validate();
    if (errorCount > 0) {
      failure.textContent = 'Fix the keys marked in red first.';
      return;
    }
    const config = values();
    try {
      let name: string;
      if (editing) {
        name = opts.edit as string;
        const changes: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(config)) if (original[k] !== v) changes[k] = v;
        for (const k of Object.keys(original))
          if (!(k in config) && fields.get(k)?.def.type !== 'PASSWORD') changes[k] = null;
        await api('PATCH', `/connectors/${seg(name)}/config`, changes);
      } else {
        name = config.name ?? '';
        const { name: _, ...rest } = config;
        await api('POST', '/connectors', { name, config: rest });
      }
      location.hash = `#/connectors/${seg(name)}`;
    } catch (e) {
      failure.textContent = (e as Error).message;
    }
  };

  const extraRow = h(
    'details',
    {},
    h('summary', {}, 'More keys'),
    h('label', {}, 'Keys the form does not list, one key=value a line', extra),
  );
  extra.addEventListener('input', schedule);
  form.append(
    extraRow,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Create'),
    ),
  );
  form.addEventListener('submit', (e) => void submit(e));
  for (const def of defs) addField(def);
  fill(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, editing ? `Edit ${opts.edit}` : 'New connector'),
      h('span', { class: 'muted plugin' }, plugin),
    ),
    summary,
    failure,
    form,
  );
  await validate();
}

async function pluginChooser(root: HTMLElement): Promise<void> {
  const plugins = await api<PluginInfo[]>('GET', '/connector-plugins');
  fill(
    root,
    h('h1', {}, 'New connector'),
    h('p', {}, 'Choose the plugin to configure:'),
    h(
      'ul',
      { class: 'plugin-list' },
      plugins.map((p) =>
        h(
          'li',
          {},
          h('a', { href: `#/new/${seg(p.class)}` }, p.class),
          h('span', { class: 'muted' }, ` ${p.type} ${p.version}`),
        ),
      ),
    ),
  );
}
