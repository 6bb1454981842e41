import { clusterPage } from './cluster-page.js';
import { connectorForm } from './connector-form.js';
import { connectorPage } from './connector-page.js';
import { connectorsPage } from './connectors-page.js';
import { fill, h } from './dom.js';
import { metrics, startScraping } from './metrics-history.js';
import { pluginPage, pluginsPage } from './plugins-page.js';

/** How often metrics are scraped and live pages refreshed. */
const REFRESH_MS = 2000;

type Refresh = (() => Promise<void>) | undefined;

const root = document.getElementById('app') as HTMLElement;
const problem = document.getElementById('problem') as HTMLElement;
let refresh: Refresh;
let refreshing = false;
let shown = 0;

/** Picks the page of the location's hash: `#/connectors/{name}/edit` and so on. */
async function route(): Promise<void> {
  const mine = ++shown;
  refresh = undefined;
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === `#/${parts[0] ?? 'connectors'}`);
  }
  fill(root, h('p', { class: 'muted' }, 'Loading…'));
  try {
    let page: Refresh;
    const [first, second, third] = parts;
    if (first === 'cluster') page = await clusterPage(root);
    else if (first === 'plugins' && second) await pluginPage(root, second);
    else if (first === 'plugins') await pluginsPage(root);
    else if (first === 'new') await connectorForm(root, second ? { plugin: second } : {});
    else if (first === 'connectors' && second && third === 'edit')
      await connectorForm(root, { edit: second });
    else if (first === 'connectors' && second) page = await connectorPage(root, second);
    else page = await connectorsPage(root);
    if (mine === shown) refresh = page;
  } catch (e) {
    if (mine === shown)
      fill(root, h('p', { class: 'notice bad', role: 'alert' }, (e as Error).message));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
startScraping(REFRESH_MS, () => {
  problem.textContent = metrics.error ? `Metrics unavailable: ${metrics.error}` : '';
  if (!refresh || refreshing) return;
  refreshing = true;
  refresh()
    .then(
      () => {
        if (!metrics.error) problem.textContent = '';
      },
      (e: Error) => {
        problem.textContent = `Refresh failed: ${e.message}`;
      },
    )
    .finally(() => {
      refreshing = false;
    });
});
