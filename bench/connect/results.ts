/** The benchmark's result model, its summary (medians, spreads, ratios) and the markdown report. */
import { type Spread, spread } from './stats.js';

/** A system measured: the two workers and the bare client. */
export type BenchSystem = 'sluice' | 'kafka-connect' | 'raw-kafkajs';
export const SYSTEMS: readonly BenchSystem[] = ['sluice', 'kafka-connect', 'raw-kafkajs'];
export const SYSTEM_LABEL: Record<BenchSystem, string> = {
  sluice: 'Sluice',
  'kafka-connect': 'Kafka Connect',
  'raw-kafkajs': 'raw kafkajs',
};

/** One repetition of one workload on one system. */
export interface ThroughputRun {
  readonly workload: string;
  readonly system: BenchSystem;
  readonly rep: number;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly mbPerSecond: number;
  /** Largest worker RSS sampled during the run (workers only). */
  readonly peakRssBytes?: number;
  /**
   * CPU time (user + system) of the process that moved the records, from the first record seen to
   * the last, per 1,000 records: steadier than records/s on a shared machine. The raw client's is
   * the bench process's own.
   */
  readonly cpuMsPer1000?: number;
  /** Sluice runs: when the code they ran was built (see `sluiceBuildStamp`). */
  readonly sluiceBuild?: string;
}

export interface LatencyRun {
  readonly system: BenchSystem;
  readonly rep: number;
  readonly records: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly sluiceBuild?: string;
}

export interface StartupRun {
  readonly system: 'sluice' | 'kafka-connect';
  readonly rep: number;
  /** Process spawn to the first record readable in Kafka. */
  readonly firstRecordSeconds: number;
  /** Process spawn to `GET /` answering; null when the worker has no REST API. */
  readonly restSeconds: number | null;
  /** RSS a few seconds after the first record, with the connector idle. */
  readonly idleRssBytes: number;
  readonly sluiceBuild?: string;
}

export interface WorkloadInfo {
  readonly id: string;
  readonly title: string;
  /** What the raw kafkajs figure of this workload is. */
  readonly raw: string;
  readonly meanValueBytes: number;
}

export interface MachineInfo {
  readonly nproc: number;
  readonly memoryBytes: number;
  readonly cpuModel: string;
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
  readonly node: string;
  /** Which Sluice ran: commit, uncommitted files, when its dist was built. */
  readonly sluice?: string;
  readonly java: string;
  readonly kafkaVersion: string;
  readonly kafkaConnectJars: number;
  readonly platform: string;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly note: string;
  readonly machine: MachineInfo;
  readonly options: {
    readonly records: number;
    readonly reps: number;
    readonly latencyRate: number;
    readonly latencySeconds: number;
  };
  readonly workloads: readonly WorkloadInfo[];
  readonly throughput: readonly ThroughputRun[];
  readonly latency: readonly LatencyRun[];
  readonly startup: readonly StartupRun[];
}

/** Medians and spreads of one workload on one system. */
export interface ThroughputSummary {
  readonly workload: string;
  readonly system: BenchSystem;
  readonly recordsPerSecond: Spread;
  readonly mbPerSecond: Spread;
  readonly peakRssBytes: Spread;
  readonly cpuMsPer1000: Spread;
}

/** Per workload and system: median and spread over the repetitions. */
export function summarizeThroughput(results: BenchResults): ThroughputSummary[] {
  const out: ThroughputSummary[] = [];
  for (const workload of results.workloads) {
    for (const system of SYSTEMS) {
      const runs = results.throughput.filter(
        (run) => run.workload === workload.id && run.system === system,
      );
      if (runs.length === 0) continue;
      out.push({
        workload: workload.id,
        system,
        recordsPerSecond: spread(runs.map((run) => run.recordsPerSecond)),
        mbPerSecond: spread(runs.map((run) => run.mbPerSecond)),
        peakRssBytes: spread(
          runs.flatMap((run) => (run.peakRssBytes === undefined ? [] : [run.peakRssBytes])),
        ),
        cpuMsPer1000: spread(
          runs.flatMap((run) => (run.cpuMsPer1000 === undefined ? [] : [run.cpuMsPer1000])),
        ),
      });
    }
  }
  return out;
}

/** Ratio of Sluice's median to another system's median for one workload (undefined if missing). */
export function ratio(
  summaries: readonly ThroughputSummary[],
  workload: string,
  to: BenchSystem,
): number | undefined {
  const of = (system: BenchSystem) =>
    summaries.find((s) => s.workload === workload && s.system === system)?.recordsPerSecond.median;
  const sluice = of('sluice');
  const other = of(to);
  return sluice === undefined || other === undefined || other === 0 ? undefined : sluice / other;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const dec = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mib = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 1048576)}` : 'n/a');
const times = (r: number | undefined) => (r === undefined ? 'n/a' : `${r.toFixed(2)}×`);

/** The headline: throughput ratios per workload. */
export function ratioTable(results: BenchResults, summaries: readonly ThroughputSummary[]): string {
  const lines = [
    '| workload | Sluice / Kafka Connect | Sluice / raw kafkajs | raw kafkajs is |',
    '| --- | ---: | ---: | --- |',
  ];
  for (const workload of results.workloads) {
    lines.push(
      `| ${workload.title} | ${times(ratio(summaries, workload.id, 'kafka-connect'))} | ${times(ratio(summaries, workload.id, 'raw-kafkajs'))} | ${workload.raw} |`,
    );
  }
  return lines.join('\n');
}

/** Median and spread of every workload on every system. */
export function throughputTable(
  results: BenchResults,
  summaries: readonly ThroughputSummary[],
): string {
  const lines = [
    '| workload | system | records/s (median) | records/s (min–max) | MB/s (median) | CPU ms / 1,000 records (median) | peak RSS MiB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const workload of results.workloads) {
    for (const s of summaries.filter((x) => x.workload === workload.id)) {
      lines.push(
        `| ${workload.title} | ${SYSTEM_LABEL[s.system]} | ${int(s.recordsPerSecond.median)} | ${int(s.recordsPerSecond.min)}–${int(s.recordsPerSecond.max)} | ${dec(s.mbPerSecond.median)} | ${s.cpuMsPer1000.n === 0 ? '–' : dec(s.cpuMsPer1000.median)} | ${s.peakRssBytes.n === 0 ? '–' : mib(s.peakRssBytes.median)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Latency medians (over repetitions) of p50 and p99, with their spread. */
export function latencyTable(results: BenchResults): string {
  const lines = [
    '| system | p50 ms (median, min–max) | p99 ms (median, min–max) | records per rep |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const system of SYSTEMS) {
    const runs = results.latency.filter((run) => run.system === system);
    if (runs.length === 0) continue;
    const p50 = spread(runs.map((run) => run.p50Ms));
    const p99 = spread(runs.map((run) => run.p99Ms));
    lines.push(
      `| ${SYSTEM_LABEL[system]} | ${dec(p50.median)} (${dec(p50.min)}–${dec(p50.max)}) | ${dec(p99.median)} (${dec(p99.min)}–${dec(p99.max)}) | ${int(runs[0]?.records ?? Number.NaN)} |`,
    );
  }
  return lines.join('\n');
}

/** Start-up times and memory. */
export function startupTable(
  results: BenchResults,
  summaries: readonly ThroughputSummary[],
): string {
  const lines = [
    '| system | start → REST API answers, s | start → first record in Kafka, s | idle RSS MiB | peak RSS under load MiB (largest workload median) |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const system of ['sluice', 'kafka-connect'] as const) {
    const runs = results.startup.filter((run) => run.system === system);
    const peaks = summaries
      .filter((s) => s.system === system && s.peakRssBytes.n > 0)
      .map((s) => s.peakRssBytes.median);
    if (runs.length === 0 && peaks.length === 0) continue;
    const rest = runs.map((run) => run.restSeconds);
    const restCell =
      runs.length === 0
        ? 'n/a'
        : rest.some((r) => r === null)
          ? 'n/a (did not answer)'
          : fmtSpread(spread(rest as number[]), 2);
    lines.push(
      `| ${SYSTEM_LABEL[system]} | ${restCell} | ${runs.length === 0 ? 'n/a' : fmtSpread(spread(runs.map((run) => run.firstRecordSeconds)), 2)} | ${runs.length === 0 ? 'n/a' : mib(spread(runs.map((run) => run.idleRssBytes)).median)} | ${peaks.length === 0 ? 'n/a' : mib(Math.max(...peaks))} |`,
    );
  }
  return lines.join('\n');
}

function fmtSpread(s: Spread, digits: number): string {
  return `${dec(s.median, digits)} (${dec(s.min, digits)}–${dec(s.max, digits)})`;
}

/** Which Sluice builds the runs measured: one line, or a warning when it changed mid-run. */
function buildsLine(results: BenchResults): string {
  const counts = new Map<string, number>();
  for (const run of [...results.startup, ...results.throughput, ...results.latency]) {
    if (run.sluiceBuild !== undefined)
      counts.set(run.sluiceBuild, (counts.get(run.sluiceBuild) ?? 0) + 1);
  }
  if (counts.size === 0) return '';
  if (counts.size === 1) return `All Sluice runs used the build of ${[...counts.keys()][0]}.`;
  return `**Sluice was rebuilt during this run** (by someone else working in the repository): ${[...counts].map(([build, n]) => `${n} Sluice run(s) used the build of ${build}`).join('; ')}.`;
}

/** The whole markdown report of a run. */
export function markdownReport(results: BenchResults): string {
  const summaries = summarizeThroughput(results);
  const m = results.machine;
  const gib = (m.memoryBytes / 1024 ** 3).toFixed(1);
  return `# Sluice vs Apache Kafka Connect ${m.kafkaVersion}

Run ${results.startedAt} → ${results.finishedAt} with \`${results.command}\`.

Sluice: ${m.sluice ?? 'not recorded'}.
Machine: ${m.nproc} CPUs (${m.cpuModel}), ${gib} GiB memory, ${m.platform}; Node ${m.node}; ${m.java}.
Load average (1/5/15 min) at start ${m.loadAverageAtStart.map((l) => l.toFixed(1)).join(' / ')}, at end ${m.loadAverageAtEnd.map((l) => l.toFixed(1)).join(' / ')}.
${results.note}
${buildsLine(results)}

${results.options.records.toLocaleString('en-US')} records per workload run, ${results.options.reps} repetitions per system (median, and min–max as the spread).

## Ratios (the headline)

Throughput medians, records/s: above 1× Sluice is faster.

${ratioTable(results, summaries)}

## Throughput

MB/s counts record value bytes as they are in Kafka (after the converter for a source, before it for a sink).

${throughputTable(results, summaries)}

## End-to-end latency

Kafka → file sink path at ${results.options.latencyRate} records/s for ${results.options.latencySeconds} s (~200 B JSON string values): time from the bench's \`producer.send\` to the line appearing in the sink's file (raw kafkajs: to the bench consumer's \`eachMessage\`). p50/p99 per repetition; the table gives their median and spread.

${latencyTable(results)}

## Start-up and memory

${startupTable(results, summaries)}
`;
}
