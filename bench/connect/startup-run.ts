/** Start-up: process spawn to the first record in Kafka and to the REST API answering; idle RSS. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ephemeralPort } from '@sluice/test-fixtures';
import { createTopic, deleteTopics, topicCount } from './kafka-client.js';
import type { StartupRun } from './results.js';
import { spread } from './stats.js';
import { rssOf, sluiceBuildStamp, startWorker, type WorkerSystem } from './worker-process.js';
import { type BenchContext, fileSourceConfig, workerConfig } from './workloads.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long after the first record a REST API still counts as "answering" (else n/a). */
const REST_WINDOW_MS = 10_000;
/** How long the connector sits idle before its RSS is read. */
const IDLE_SETTLE_MS = 5_000;

/** Starts a worker with a file source over a 10-line file and times its start. */
export async function runStartup(
  ctx: BenchContext,
  system: WorkerSystem,
  rep: number,
  reps: number,
): Promise<StartupRun> {
  const label = `[startup] ${system} rep ${rep}/${reps}`;
  const name = `bench-${ctx.runId}-startup-${system}-${rep}`;
  const dir = join(ctx.workDir, name);
  await mkdir(dir, { recursive: true });
  await createTopic(ctx.admin, name);
  const input = join(dir, 'input.txt');
  await writeFile(input, Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
  const restPort = await ephemeralPort();
  const worker = await startWorker({
    system,
    dir,
    worker: workerConfig(ctx, dir, false, restPort),
    connectors: [fileSourceConfig(name, input, name)],
    kafkaConnect: ctx.kafkaConnect,
    cpuProfileDir: undefined,
  });
  let exited = false;
  void worker.exited.then(() => {
    exited = true;
  });
  const since = () => Number(process.hrtime.bigint() - worker.spawnedAt) / 1e9;
  let polling = true;
  const rest = (async (): Promise<number | null> => {
    while (polling && !exited) {
      try {
        const response = await fetch(`http://127.0.0.1:${restPort}/`, {
          signal: AbortSignal.timeout(1000),
        });
        if (response.ok) return since();
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    return null;
  })();
  try {
    let firstRecordSeconds: number | undefined;
    while (firstRecordSeconds === undefined) {
      if (exited) throw new Error(`${label}: the worker exited (log: ${worker.logFile})`);
      if ((await topicCount(ctx.admin, name).catch(() => 0)) > 0) firstRecordSeconds = since();
      else await sleep(20);
    }
    const restSeconds = await Promise.race([rest, sleep(REST_WINDOW_MS).then(() => null)]);
    polling = false;
    await sleep(IDLE_SETTLE_MS);
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      if (worker.child.pid !== undefined) {
        const rss = await rssOf(worker.child.pid);
        if (rss !== undefined) samples.push(rss);
      }
      await sleep(1000);
    }
    const run: StartupRun = {
      system,
      rep,
      firstRecordSeconds,
      restSeconds,
      idleRssBytes: spread(samples).median,
      ...(system === 'sluice' ? { sluiceBuild: sluiceBuildStamp() } : {}),
    };
    ctx.log(
      `${label}: first record after ${firstRecordSeconds.toFixed(2)} s, REST ${restSeconds === null ? 'n/a' : `${restSeconds.toFixed(2)} s`}, idle RSS ${Math.round(run.idleRssBytes / 1048576)} MiB`,
    );
    return run;
  } finally {
    polling = false;
    await rest;
    await worker.stop();
    await deleteTopics(ctx.admin, [name]);
    await rm(dir, { recursive: true, force: true });
  }
}
