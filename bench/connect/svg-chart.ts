/** A small horizontal grouped bar chart as SVG text: throughput per workload and system. */
import {
  type BenchResults,
  type BenchSystem,
  SYSTEM_LABEL,
  SYSTEMS,
  summarizeThroughput,
} from './results.js';

const COLORS: Record<BenchSystem, string> = {
  sluice: '#1f77b4',
  'kafka-connect': '#d62728',
  'raw-kafkajs': '#7f7f7f',
};

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Records/s medians as bars (min–max as a whisker), one group per workload. */
export function throughputChart(results: BenchResults): string {
  const summaries = summarizeThroughput(results);
  const barHeight = 14;
  const groupGap = 14;
  const labelWidth = 390;
  const plotWidth = 520;
  const top = 56;
  // Log scale: the raw client can be ten times faster than either worker.
  const values = summaries.flatMap((s) => [s.recordsPerSecond.min, s.recordsPerSecond.max]);
  const low = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(10, ...values)));
  const x = (value: number) =>
    labelWidth +
    ((Math.log10(Math.max(value, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) *
      plotWidth;
  const parts: string[] = [];
  let y = top;
  for (const workload of results.workloads) {
    const rows = SYSTEMS.flatMap((system) => {
      const s = summaries.find((x) => x.workload === workload.id && x.system === system);
      return s === undefined ? [] : [s];
    });
    if (rows.length === 0) continue;
    const groupHeight = rows.length * barHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end">${escapeXml(workload.title)}</text>`,
    );
    for (const s of rows) {
      const r = s.recordsPerSecond;
      parts.push(
        `<rect x="${labelWidth}" y="${y + 1}" width="${(x(r.median) - labelWidth).toFixed(1)}" height="${barHeight - 2}" fill="${COLORS[s.system]}"><title>${SYSTEM_LABEL[s.system]}: ${Math.round(r.median)} records/s</title></rect>`,
        `<line x1="${x(r.min).toFixed(1)}" x2="${x(r.max).toFixed(1)}" y1="${y + barHeight / 2}" y2="${y + barHeight / 2}" stroke="#000" stroke-width="1"/>`,
        `<text x="${(x(r.max) + 4).toFixed(1)}" y="${y + barHeight - 3}" font-size="10">${Math.round(r.median).toLocaleString('en-US')}</text>`,
      );
      y += barHeight;
    }
    y += groupGap;
  }
  const height = y + 30;
  const axis: string[] = [];
  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const value = decade * step;
      if (value > high) break;
      const gx = x(value).toFixed(1);
      axis.push(
        `<line x1="${gx}" x2="${gx}" y1="${top - 4}" y2="${y - groupGap + 4}" stroke="${step === 1 ? '#bbb' : '#eee'}"/>`,
        `<text x="${gx}" y="${y - groupGap + 18}" text-anchor="middle" font-size="10">${value.toLocaleString('en-US')}</text>`,
      );
    }
  }
  const legend = SYSTEMS.map(
    (system, i) =>
      `<rect x="${labelWidth + i * 150}" y="26" width="12" height="12" fill="${COLORS[system]}"/><text x="${labelWidth + i * 150 + 16}" y="36">${SYSTEM_LABEL[system]}</text>`,
  );
  const width = labelWidth + plotWidth + 70;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" font-size="14" font-weight="bold">Throughput, records/s, log scale (median of ${results.options.reps}; whisker = min–max), ${results.options.records.toLocaleString('en-US')} records, ${results.machine.nproc} CPUs, ${escapeXml(results.startedAt.slice(0, 10))}</text>
${legend.join('\n')}
${axis.join('\n')}
${parts.join('\n')}
<text x="${labelWidth + plotWidth / 2}" y="${height - 6}" text-anchor="middle" font-size="11">records/s (log scale)</text>
</svg>
`;
}
