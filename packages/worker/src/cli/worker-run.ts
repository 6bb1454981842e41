import {
  connectorLogger,
  type Logger,
  type RestServer,
  type StandaloneHerder,
} from '@sluice/runtime';

/** What {@link runWorker} needs of a herder (standalone or distributed). */
export type RunnableHerder = Pick<
  StandaloneHerder,
  'putConnectorConfig' | 'connectorStatus' | 'connectorNames' | 'taskCounters'
>;

/** What a worker command runs once its configs are valid. */
export interface WorkerRun {
  log: Logger;
  herder: RunnableHerder;
  /** Starts the worker: the herder and the REST API, in the order its mode needs. */
  start(): Promise<void>;
  /** Stops it gracefully: no new REST requests, tasks drain, flush and commit. */
  stop(): Promise<void>;
  /** Settles when the worker must stop by itself (distributed: it cannot stay in its group). */
  failed?: Promise<Error>;
  /** Connector configs to create at start (from the command line). */
  connectors: ReadonlyArray<Record<string, string>>;
  /** Seconds between progress lines; 0 = none. */
  progressSeconds: number;
  /** Logged at start, with the versions. */
  banner: string;
  versions: Record<string, string>;
}

/** The ids of the connector's FAILED tasks (none when it has no status yet). */
function failedTasks(herder: RunnableHerder, name: string): Set<number> {
  try {
    return new Set(
      herder
        .connectorStatus(name)
        .tasks.filter((t) => t.state === 'FAILED')
        .map((t) => t.id),
    );
  } catch {
    return new Set();
  }
}

function logProgress(herder: RunnableHerder, log: Logger): void {
  let names: string[] = [];
  try {
    names = herder.connectorNames();
  } catch {
    return; // a distributed worker that has not joined its group yet
  }
  for (const name of names) {
    const failed = failedTasks(herder, name);
    for (const { id, counters } of herder.taskCounters(name)) {
      // A failed task moves nothing until it is restarted; its failure was logged with its trace.
      if (!counters || failed.has(id)) continue;
      connectorLogger(log, name, id).info(
        {
          recordsIn: counters.recordsIn,
          recordsOut: counters.recordsOut,
          recordsSkipped: counters.recordsSkipped,
          offsetCommits: counters.offsetCommits,
          lag: counters.lag,
        },
        `progress: ${counters.recordsOut} records moved${counters.lag === null ? '' : `, lag ${counters.lag}`}`,
      );
    }
  }
}

/**
 * Starts the REST API. A listener set in the worker config that cannot be bound stops the worker
 * (as Kafka Connect); when the default (port 8083) is taken the connectors still run, without REST,
 * and the error says how to choose another listener.
 */
export async function startRest(
  rest: RestServer,
  explicit: boolean,
  log: Logger,
): Promise<string[]> {
  try {
    return await rest.start();
  } catch (error) {
    if (explicit) throw error;
    await rest.stop();
    log.error(
      { err: error },
      'the REST API could not listen on the default listener http://127.0.0.1:8083; running without it (set listeners=http://host:port in the worker config)',
    );
    return [];
  }
}

/**
 * Runs a worker until SIGINT or SIGTERM: starts it, creates the connectors given, logs progress,
 * then stops gracefully (a second signal exits at once). Resolves with the exit code.
 */
export async function runWorker(run: WorkerRun): Promise<number> {
  const { log, herder } = run;
  let stopping: Promise<void> | null = null;
  let firstSignal: string | null = null;
  const stop = (signal: string) => {
    if (stopping) {
      // `pnpm exec` and `pnpm sluice` end on Ctrl-C and send their child a SIGTERM as they go:
      // only the same signal twice (Ctrl-C pressed again) means "do not wait".
      if (signal !== firstSignal) {
        log.info(
          `${signal} received while stopping: still stopping (${firstSignal} again exits at once)`,
        );
        return;
      }
      log.warn(`${signal} again: exiting without waiting for tasks`);
      process.exit(1);
    }
    firstSignal = signal;
    log.info(`${signal} received: stopping (tasks drain, flush and commit their offsets)`);
    stopping = run.stop();
  };
  const stopped = new Promise<void>((resolveStopped) => {
    const onSignal = (signal: NodeJS.Signals) => {
      stop(signal);
      stopping?.then(resolveStopped, (e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        resolveStopped();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  log.info(run.versions, run.banner);
  try {
    await run.start();
    for (const props of run.connectors) {
      if (stopping) break;
      const name = props.name ?? '';
      await herder.putConnectorConfig(name, props, false);
      const status = herder.connectorStatus(name);
      connectorLogger(log, name).info(
        { state: status.connector.state, tasks: status.tasks.length },
        `connector ${name} created`,
      );
    }
    if (run.connectors.length === 0 && !stopping) {
      log.info('no connector config given: create connectors through the REST API');
    }
  } catch (error) {
    if (!stopping) {
      log.error({ err: error }, 'the worker could not start');
      await run.stop().catch(() => {});
      return 1;
    }
  }
  const progress =
    run.progressSeconds > 0
      ? setInterval(() => logProgress(herder, log), run.progressSeconds * 1000)
      : null;
  progress?.unref();
  const failure = await Promise.race([
    stopped.then(() => null),
    run.failed ?? new Promise<never>(() => {}),
  ]);
  if (progress) clearInterval(progress);
  if (failure) {
    log.error({ err: failure }, `the worker stops: ${failure.message}`);
    await run.stop().catch(() => {});
    return 1;
  }
  logProgress(herder, log);
  log.info('Sluice worker stopped');
  return 0;
}
