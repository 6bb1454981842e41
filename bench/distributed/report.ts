/** The distributed bench's results and their markdown report. */
import type { MachineInfo } from '../connect/results.js';
import { spread } from '../connect/stats.js';
import type { WorkerSystem } from '../connect/worker-process.js';
import type { ClusterRun, RunSettings, WorkerMemory } from './cluster-run.js';
import type { ScenarioName, ScenarioResult } from './scenario.js';

export interface DistributedResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly note: string;
  readonly machine: MachineInfo;
  /** 1-minute load averages sampled every 5 s during the run: smallest and largest. */
  readonly loadDuringRun: { readonly min: number; readonly max: number };
  readonly settings: RunSettings;
  readonly reps: number;
  readonly runs: readonly ClusterRun[];
}

const LABEL: Record<WorkerSystem, string> = { sluice: 'Sluice', 'kafka-connect': 'Kafka Connect' };

const dec = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mib = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 1048576)}` : 'n/a');

function cell(values: readonly number[], digits: number, unit = (n: number) => dec(n, digits)) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 'n/a';
  const s = spread(finite);
  return finite.length === 1 ? unit(s.median) : `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
}

function scenariosOf(results: DistributedResults, system: WorkerSystem, name: ScenarioName) {
  return results.runs
    .filter((r) => r.system === system)
    .flatMap((r) => r.scenarios.filter((s) => s.scenario === name));
}

/** Median (min–max) over every worker of every repetition, MiB. */
function memoryCell(
  results: DistributedResults,
  system: WorkerSystem,
  pick: (m: WorkerMemory) => number,
): string {
  return cell(
    results.runs.filter((r) => r.system === system).flatMap((r) => r.memory.map(pick)),
    0,
    mib,
  );
}

/** Per-repetition counts, e.g. `0 · 0 · 0`. */
function counts(
  results: DistributedResults,
  system: WorkerSystem,
  name: ScenarioName,
  pick: (s: ScenarioResult) => number,
): string {
  const list = scenariosOf(results, system, name).map(pick);
  return list.length === 0 ? 'n/a' : list.join(' · ');
}

/** The headline: medians (min–max) over the repetitions, both systems side by side. */
export function headlineTable(results: DistributedResults): string {
  const n = results.settings.connectors;
  const w = results.settings.workers;
  const rows: Array<[string, (system: WorkerSystem) => string, string]> = [
    [
      `kill -9 of a follower → every task RUNNING on the ${w - 1} survivors, s`,
      (s) =>
        cell(
          scenariosOf(results, s, 'kill').map((x) => x.seconds),
          1,
        ),
      'Sluice ≤ Kafka Connect',
    ],
    [
      '… of which the group (session timeout, then the delay): kill → first moved connector/task RUNNING, s',
      (s) =>
        cell(
          scenariosOf(results, s, 'kill').map((x) => x.firstMovedSeconds),
          1,
        ),
      '',
    ],
    [
      '… and the workers: first → last moved connector/task RUNNING, s',
      (s) =>
        cell(
          scenariosOf(results, s, 'kill').map((x) => x.seconds - x.firstMovedSeconds),
          2,
        ),
      '',
    ],
    [
      `worker ${w + 1} joins (spawn) → balanced, nothing moving, s`,
      (s) =>
        cell(
          scenariosOf(results, s, 'join').map((x) => x.seconds),
          1,
        ),
      '',
    ],
    [
      '… of which its start-up (spawn → REST answers), s',
      (s) =>
        cell(
          scenariosOf(results, s, 'join').map((x) => x.restSeconds ?? Number.NaN),
          1,
        ),
      '',
    ],
    [
      `worker ${w + 1} stops gracefully (SIGTERM) → every task RUNNING on the others, s`,
      (s) =>
        cell(
          scenariosOf(results, s, 'leave').map((x) => x.seconds),
          1,
        ),
      '',
    ],
    [
      'unaffected tasks restarted: kill · per kill',
      (s) => counts(results, s, 'kill', (x) => x.unaffectedTasksRestarted),
      '0',
    ],
    [
      'unaffected tasks restarted: join · per repetition',
      (s) => counts(results, s, 'join', (x) => x.unaffectedTasksRestarted),
      '0',
    ],
    [
      'unaffected tasks restarted: leave · per repetition',
      (s) => counts(results, s, 'leave', (x) => x.unaffectedTasksRestarted),
      '0',
    ],
    [
      'unaffected connectors restarted: kill / join / leave (sum over repetitions)',
      (s) =>
        (['kill', 'join', 'leave'] as const)
          .map((name) =>
            scenariosOf(results, s, name).reduce(
              (sum, x) => sum + x.unaffectedConnectorsRestarted,
              0,
            ),
          )
          .join(' / '),
      '',
    ],
    [
      'tasks that had to move: kill / join / leave (median)',
      (s) =>
        (['kill', 'join', 'leave'] as const)
          .map((name) =>
            dec(spread(scenariosOf(results, s, name).map((x) => x.movedTasks)).median, 0),
          )
          .join(' / '),
      '',
    ],
    [
      `RSS per worker, ${n} connectors on ${w} workers, just settled, MiB`,
      (s) => memoryCell(results, s, (m) => m.settledRssBytes),
      'Sluice ≤ 1/5 of Kafka Connect',
    ],
    [
      `… after ${results.settings.idleMs / 1000} s more idle, MiB`,
      (s) => memoryCell(results, s, (m) => m.idleRssBytes),
      'Sluice ≤ 1/5 of Kafka Connect',
    ],
    [
      'peak RSS per worker over the repetition, MiB',
      (s) => memoryCell(results, s, (m) => m.peakRssBytes),
      '',
    ],
    [
      `${n} connectors created through one worker → all RUNNING, balanced, s`,
      (s) =>
        cell(
          results.runs.filter((r) => r.system === s).map((r) => r.createSeconds),
          1,
        ),
      '',
    ],
  ];
  const lines = [
    '| measure | Sluice | Kafka Connect | target |',
    '| --- | ---: | ---: | --- |',
    ...rows.map(
      ([what, value, target]) =>
        `| ${what} | ${value('sluice')} | ${value('kafka-connect')} | ${target} |`,
    ),
  ];
  return lines.join('\n');
}

/** Every repetition, one line each. */
export function runsTable(results: DistributedResults): string {
  const lines = [
    '| system | rep | kill s | join s (start-up s) | leave s | unaffected tasks restarted kill/join/leave | moved tasks kill/join/leave | RSS per worker MiB (settled; idle) | note |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
  ];
  for (const r of results.runs) {
    const of = (name: ScenarioName) => r.scenarios.find((s) => s.scenario === name);
    const kills = r.scenarios.filter((s) => s.scenario === 'kill');
    const join = of('join');
    const leave = of('leave');
    // Kills: each one's figure, joined by "+".
    const three = (pick: (s: ScenarioResult) => number) =>
      [
        kills.length > 0 ? kills.map(pick).join('+') : '–',
        join ? String(pick(join)) : '–',
        leave ? String(pick(leave)) : '–',
      ].join(' / ');
    lines.push(
      `| ${LABEL[r.system]} | ${r.rep} | ${kills.length > 0 ? kills.map((k) => dec(k.seconds)).join(', ') : '–'} | ${join ? `${dec(join.seconds)} (${dec(join.restSeconds ?? Number.NaN)})` : '–'} | ${leave ? `${dec(leave.seconds)}${leave.wasLeader ? ' (leader)' : ''}` : '–'} | ${three((s) => s.unaffectedTasksRestarted)} | ${three((s) => s.movedTasks)} | ${r.memory
        .filter((m) => Number.isFinite(m.settledRssBytes))
        .map((m) => `${mib(m.settledRssBytes)}; ${mib(m.idleRssBytes)}`)
        .join(', ')} | ${r.error ? `FAILED: ${r.error.replaceAll('|', '/')}` : ''} |`,
    );
  }
  return lines.join('\n');
}

/** The status records of connectors and tasks that were restarted needlessly, per run. */
function disturbedList(results: DistributedResults): string {
  const out: string[] = [];
  for (const r of results.runs) {
    for (const s of r.scenarios) {
      const entries = Object.entries(s.disturbed);
      if (entries.length === 0) continue;
      const shown = entries
        .slice(0, 8)
        .map(([item, records]) => `\`${item}\` ${records.join(' → ')}`)
        .join('; ');
      out.push(
        `- ${LABEL[r.system]} rep ${r.rep}, ${s.scenario}: ${entries.length} item(s): ${shown}${entries.length > 8 ? '; …' : ''}`,
      );
    }
  }
  return out.length === 0
    ? 'None: no connector or task off the change’s path got a status record.'
    : out.join('\n');
}

export function markdownReport(results: DistributedResults): string {
  const m = results.machine;
  const g = results.settings.group;
  const gib = (m.memoryBytes / 1024 ** 3).toFixed(1);
  const builds = new Set(results.runs.flatMap((r) => (r.sluiceBuild ? [r.sluiceBuild] : [])));
  return `# Sluice vs Apache Kafka Connect ${m.kafkaVersion}, distributed mode

Run ${results.startedAt} → ${results.finishedAt} with \`${results.command}\`.

Sluice: ${m.sluice ?? 'not recorded'}${builds.size > 1 ? ` — **rebuilt during the run** (${[...builds].join(', ')})` : ''}.
Machine: ${m.nproc} CPUs (${m.cpuModel}), ${gib} GiB memory, ${m.platform}; Node ${m.node}; ${m.java}.
Load average (1 min) at start ${dec(m.loadAverageAtStart[0] ?? Number.NaN)}, during the run ${dec(results.loadDuringRun.min)}–${dec(results.loadDuringRun.max)}, at end ${dec(m.loadAverageAtEnd[0] ?? Number.NaN)}.
${results.note}

${results.settings.workers} workers per system, ${results.settings.connectors} FileStreamSource connectors (tasks.max=1; ${results.settings.linesPerFile} lines each into one topic), ${results.reps} repetition(s) per system, the systems alternating; in each, worker ${results.settings.workers + 1} joins, then stops gracefully, then a follower is killed ${results.settings.kills} time(s) (a new worker replacing it before the next kill). Both with \`session.timeout.ms=${g.sessionTimeoutMs}\`, \`heartbeat.interval.ms=${g.heartbeatIntervalMs}\`, \`scheduled.rebalance.max.delay.ms=${g.scheduledRebalanceMaxDelayMs}\`, ${g.kafkaConnectProtocol ? `\`connect.protocol\` Sluice's default (sessioned), **Kafka Connect's set to ${g.kafkaConnectProtocol}**` : '`connect.protocol` default (sessioned)'}. Each change comes after a random pause of up to one heartbeat interval (so that it falls anywhere in the workers' heartbeat cycle). A change is done when the condition holds and no status record came for ${results.settings.quietMs / 1000} s; its time is the timestamp of the status record that made the condition hold, minus the moment of the change. Restarts are read from every status record written during the change: a connector or task off the change's path (not on the worker that left or died, not taken by the worker that joined) with any record was stopped or started. RSS from \`/proc/<pid>/status\`.

## Headline (median, min–max over repetitions)

${headlineTable(results)}

## Every repetition

${runsTable(results)}

## Connectors and tasks restarted off the change's path

${disturbedList(results)}
`;
}
