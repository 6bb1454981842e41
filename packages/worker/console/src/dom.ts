/** What `h` takes as children: nodes, text, or nothing (skipped). */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/**
 * Builds an element: `h('a', { href: '#/x', class: 'link' }, 'text')`. Attributes whose value is
 * null, undefined or false are left out; functions under `on*` names become event listeners.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, unknown> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Connector and task states, coloured and spelled out (never colour alone). */
export function stateBadge(state: string): HTMLElement {
  const symbols: Record<string, string> = {
    RUNNING: '●',
    PAUSED: '❚❚',
    STOPPED: '■',
    FAILED: '✖',
    UNASSIGNED: '○',
    RESTARTING: '↻',
  };
  return h(
    'span',
    { class: `state state-${state.toLowerCase()}`, 'data-state': state },
    `${symbols[state] ?? '?'} ${state}`,
  );
}

/** A titled section. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}
