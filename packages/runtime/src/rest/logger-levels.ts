import type { Logger } from '../logging/logger.js';

/** Kafka (log4j) level names and the pino levels they set. */
const TO_PINO: Record<string, string> = {
  ALL: 'trace',
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  OFF: 'silent',
};

function toKafkaLevel(pinoLevel: string): string {
  return pinoLevel === 'silent' ? 'OFF' : pinoLevel.toUpperCase();
}

/** What `/admin/loggers` shows per logger (Kafka's LoggerLevel). */
export interface LoggerLevel {
  level: string;
  last_modified: number | null;
}

export const ROOT_LOGGER = 'root';

/**
 * The name of a logger as `/admin/loggers` knows it: `root`, `sluice.connector.<name>` for a
 * connector's logger and `sluice.connector.<name>.task<id>` for a task's.
 */
export function loggerName(logger: Logger): string {
  const b = logger.bindings() as { connector?: unknown; task?: unknown };
  if (typeof b.connector !== 'string') return ROOT_LOGGER;
  const base = `sluice.connector.${b.connector}`;
  return b.task === undefined ? base : `${base}.task${String(b.task)}`;
}

function inNamespace(name: string, namespace: string): boolean {
  return namespace === ROOT_LOGGER || name === namespace || name.startsWith(`${namespace}.`);
}

/**
 * Levels of the worker's pino loggers, changed at run time as Kafka's `/admin/loggers` changes
 * log4j levels: setting a namespace sets every live logger under it, and loggers created later
 * (a connector started afterwards) get the most specific level set for them.
 */
export class LoggerLevels {
  private readonly live = new Set<WeakRef<Logger>>();
  /** Levels set through `set`, by namespace (pino level names). */
  private readonly explicit = new Map<string, { level: string }>();
  /** When each logger's level last changed through `set`. */
  private readonly modified = new Map<string, number>();

  constructor(private readonly root: Logger) {
    const previous = root.onChild;
    root.onChild = (child: Logger) => {
      previous?.call(root, child);
      this.live.add(new WeakRef(child));
      const level = this.levelFor(loggerName(child));
      if (level && child.level !== level) child.level = level;
    };
  }

  private levelFor(name: string): string | undefined {
    let best: { namespace: string; level: string } | undefined;
    for (const [namespace, { level }] of this.explicit) {
      if (!inNamespace(name, namespace)) continue;
      const specific = namespace === ROOT_LOGGER ? 0 : namespace.length + 1;
      const bestSpecific = !best
        ? -1
        : best.namespace === ROOT_LOGGER
          ? 0
          : best.namespace.length + 1;
      if (specific > bestSpecific) best = { namespace, level };
    }
    return best?.level;
  }

  private liveLoggers(): Logger[] {
    const out: Logger[] = [this.root];
    for (const ref of this.live) {
      const logger = ref.deref();
      if (logger) out.push(logger);
      else this.live.delete(ref);
    }
    return out;
  }

  /** Every known logger (root, live connector and task loggers, namespaces set) with its level. */
  all(): Record<string, LoggerLevel> {
    // No prototype, so a logger named like an Object method (valueOf, __proto__) is a plain key.
    const out: Record<string, LoggerLevel> = Object.create(null);
    for (const logger of this.liveLoggers()) {
      const name = loggerName(logger);
      out[name] ??= {
        level: toKafkaLevel(logger.level),
        last_modified: this.modified.get(name) ?? null,
      };
    }
    for (const [namespace, { level }] of this.explicit) {
      out[namespace] ??= {
        level: toKafkaLevel(level),
        last_modified: this.modified.get(namespace) ?? null,
      };
    }
    return out;
  }

  /** One logger's level; undefined when no such logger is known. */
  get(name: string): LoggerLevel | undefined {
    const all = this.all();
    return Object.hasOwn(all, name) ? all[name] : undefined;
  }

  /** Whether `level` is a level name Kafka accepts. */
  static isLevel(level: string): boolean {
    return level.toUpperCase() in TO_PINO;
  }

  /**
   * Sets the level of a namespace and every logger in it; returns the loggers whose level
   * changed (as Kafka: setting a logger to the level it has changes nothing, and its
   * last_modified stays as it was).
   */
  set(namespace: string, level: string): string[] {
    const pinoLevel = TO_PINO[level.toUpperCase()];
    if (!pinoLevel) throw new Error(`invalid log level '${level}'.`);
    const before = this.all();
    // As log4j's setAllLevels: the level replaces those set earlier for loggers below it.
    for (const set of this.explicit.keys())
      if (inNamespace(set, namespace)) this.explicit.set(set, { level: pinoLevel });
    this.explicit.set(namespace, { level: pinoLevel });
    for (const logger of this.liveLoggers()) {
      const name = loggerName(logger);
      if (!inNamespace(name, namespace)) continue;
      const own = this.levelFor(name);
      if (own !== undefined) logger.level = own;
    }
    const now = Date.now();
    const changed = Object.entries(this.all())
      .filter(([name, { level: after }]) => before[name]?.level !== after)
      .map(([name]) => name);
    for (const name of changed) this.modified.set(name, now);
    return changed.sort();
  }
}
