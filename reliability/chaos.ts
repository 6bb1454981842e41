/**
 * `pnpm chaos`: runs every scenario at full size (or `--short`), prints each result as it comes
 * and the table at the end, and saves the table in results/chaos-<size>.{md,json} (full size: in
 * README.md too).
 * `--only <text>` runs the scenarios whose name contains the text.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices } from '@sluice/test-fixtures';
import { FULL, type ScenarioResult, SHORT } from './scenario.js';
import { SCENARIOS } from './scenarios.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help')) {
  const describe = (s: typeof FULL) =>
    `${s.name}: ${s.perSecond} records/s, ${s.beforeMs / 1000} s before the fault, faults of ${s.faultMs / 1000} s, sink database outage ${s.outageMs / 1000} s`;
  process.stdout.write(
    [
      'pnpm chaos [--short] [--only <text>]',
      '  --short        the short versions (as `pnpm test` runs them) instead of the full ones',
      '  --only <text>  only the scenarios whose name contains <text> (results/ and README.md untouched)',
      `sizes: ${describe(FULL)}`,
      `       ${describe(SHORT)}`,
      `scenarios: ${SCENARIOS.map((s) => s.name).join('; ')}`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const size = args.includes('--short') ? SHORT : FULL;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

const env = await ensureServices(['kafka', 'postgres', 's3']);
for (const service of Object.values(env)) Object.assign(process.env, service.env);

const results: ScenarioResult[] = [];
const failures: string[] = [];
for (const scenario of SCENARIOS.filter((s) => only === undefined || s.name.includes(only))) {
  process.stdout.write(`▶ ${scenario.name} (${size.name})\n`);
  try {
    const result = await scenario.run(size);
    results.push(result);
    process.stdout.write(
      `  in ${result.recordsIn}, out ${result.recordsOut}, lost ${result.lost}, duplicates ${result.duplicates}, recovery ${(result.recoveryMs / 1000).toFixed(1)} s — ${result.notes}\n`,
    );
  } catch (error) {
    failures.push(`${scenario.name}: ${(error as Error).message}`);
    process.stdout.write(`  FAILED: ${(error as Error).message}\n`);
  }
}

const rows = [
  ...results.map((r) => [
    r.scenario,
    String(r.recordsIn),
    String(r.recordsOut),
    `**${r.lost}**`,
    String(r.duplicates),
    `${(r.recoveryMs / 1000).toFixed(1)} s`,
    r.notes,
  ]),
  ...failures.map((f) => [
    f.replaceAll('|', '/').replaceAll('\n', ' ').slice(0, 300),
    '',
    '',
    'failed',
    '',
    '',
    '',
  ]),
];
const table = markdownTable(
  ['scenario', 'records in', 'records out', 'lost', 'duplicates', 'recovery', 'notes'],
  [false, true, true, true, true, true, false],
  rows,
);
const stamp = `${size.name} run of ${new Date().toISOString().slice(0, 10)}, load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} on ${process.env.HOSTNAME ?? 'this machine'}`;
process.stdout.write(`\n${table}\n\n${stamp}\n`);

if (only === undefined) {
  await writeFile(join(here, 'results', `chaos-${size.name}.md`), `${table}\n\n${stamp}\n`);
  await writeFile(
    join(here, 'results', `chaos-${size.name}.json`),
    `${JSON.stringify({ size, stamp, results, failures }, null, 2)}\n`,
  );
  if (size === FULL) {
    const readme = join(here, 'README.md');
    const text = await readFile(readme, 'utf8');
    const start = '<!-- chaos-table -->';
    const end = '<!-- /chaos-table -->';
    const updated = text.replace(
      new RegExp(`${start}[\\s\\S]*${end}`),
      `${start}\n${table}\n\n${stamp}\n${end}`,
    );
    await writeFile(readme, updated);
  }
}
process.exitCode = failures.length > 0 || results.some((r) => r.lost > 0) ? 1 : 0;

/**
 * A Markdown table with its columns padded as the repository's formatter (Biome) writes them, so a
 * run's results pass `pnpm lint` as they are written.
 */
function markdownTable(
  header: readonly string[],
  rightAligned: readonly boolean[],
  body: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, rightAligned[i] ? 4 : 3, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join(' | ')} |`;
  const rule = widths.map((w, i) => (rightAligned[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...body.map(line)].join('\n');
}
