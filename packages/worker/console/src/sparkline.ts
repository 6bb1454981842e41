import { WINDOW_MS } from './metrics-history.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 160;
const HEIGHT = 32;

/** A number as people read it: 1234 → "1.2k". */
export function formatNumber(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1);
}

/**
 * A small line chart of the last minutes (time on x, 0..max on y) with the latest value
 * written beside it, so the number is readable without the chart.
 */
export function sparkline(
  points: readonly { t: number; v: number }[],
  unit: string,
  testId: string,
): HTMLElement {
  const now = Date.now();
  const max = Math.max(1, ...points.map((p) => p.v));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('height', String(HEIGHT));
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  const last = points[points.length - 1];
  svg.setAttribute(
    'aria-label',
    `${unit} over the last ${WINDOW_MS / 60_000} minutes, now ${last ? formatNumber(last.v) : 'unknown'}`,
  );
  if (points.length > 0) {
    // The x axis spans what was seen (a page open for a short while fills the chart), at least a
    // minute and at most the window.
    const span = Math.min(WINDOW_MS, Math.max(60_000, now - (points[0] as { t: number }).t));
    const xy = points.map((p) => {
      const x = WIDTH - ((now - p.t) / span) * WIDTH;
      const y = HEIGHT - 2 - (p.v / max) * (HEIGHT - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', xy.join(' '));
    svg.appendChild(line);
  }
  const wrap = document.createElement('span');
  wrap.className = 'chart';
  const value = document.createElement('span');
  value.className = 'chart-value';
  value.dataset.testid = testId;
  value.dataset.value = last ? String(last.v) : '';
  value.textContent = last ? `${formatNumber(last.v)} ${unit}` : `– ${unit}`;
  wrap.append(svg, value);
  return wrap;
}
