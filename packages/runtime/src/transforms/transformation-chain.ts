import {
  ConfigException,
  type ConfigProblem,
  type ConnectRecord,
  type Predicate,
  type Transformation,
} from '@sluice/api';
import type { Logger } from '../logging/logger.js';
import { closeLogged } from '../worker-task/close-logged.js';

/** One configured transform, optionally gated by a predicate. */
export class TransformStep<R extends ConnectRecord> {
  constructor(
    readonly alias: string,
    readonly className: string,
    readonly transform: Transformation<R>,
    readonly predicate: Predicate<R> | null,
    readonly negate: boolean,
  ) {}

  /** Applies the transform when the predicate (if any, negated if asked) matches; null drops the record. */
  apply(record: R): R | null {
    if (this.predicate && this.predicate.test(record) === this.negate) return record;
    return this.transform.apply(record);
  }
}

/** The `transforms=a,b` chain of a connector, in order. */
export class TransformationChain<R extends ConnectRecord> {
  constructor(
    readonly steps: readonly TransformStep<R>[],
    private readonly predicates: ReadonlyMap<string, Predicate<R>> = new Map(),
  ) {}

  /** Applies every step without error handling (tests, tools); runners go step by step. */
  apply(record: R): R | null {
    let current: R | null = record;
    for (const step of this.steps) {
      if (current === null) return null;
      current = step.apply(current);
    }
    return current;
  }

  /**
   * Closes every transform and predicate, each even when one before it failed. A failure is
   * logged on `log` (the task's or the connector's, so the line names them) with the transform
   * or predicate at fault, never thrown: the task is stopping anyway (Kafka's closeQuietly).
   */
  async close(log: Logger): Promise<void> {
    for (const s of this.steps) {
      await closeLogged(() => s.transform.close?.(), log, {
        transform: s.alias,
        class: s.className,
      });
    }
    for (const [name, p] of this.predicates) {
      await closeLogged(() => p.close?.(), log, { predicate: name });
    }
  }
}

/** Finds and instantiates a transform or predicate plugin by class name, alias or short name. */
export type PluginInstantiator = (
  kind: 'transform' | 'predicate',
  className: string,
) => Promise<{ instance: unknown; className: string }>;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function subConfig(
  config: Record<string, string>,
  prefix: string,
  skip: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith(prefix)) continue;
    const sub = k.slice(prefix.length);
    if (!skip.includes(sub)) out[sub] = v;
  }
  return out;
}

/**
 * Builds the chain from a connector config as Kafka does: `transforms`, `transforms.<alias>.type`,
 * `transforms.<alias>.*`, `transforms.<alias>.predicate`, `transforms.<alias>.negate`,
 * `predicates`, `predicates.<name>.type`, `predicates.<name>.*`. Every problem is reported
 * at once, naming the alias and key.
 */
export async function buildTransformationChain<R extends ConnectRecord>(
  config: Record<string, string>,
  instantiate: PluginInstantiator,
): Promise<TransformationChain<R>> {
  const problems: ConfigProblem[] = [];
  const problem = (key: string, value: unknown, message: string) =>
    problems.push({ key, value, message });
  const predicateNames = list(config.predicates);
  const predicates = new Map<string, Predicate<R>>();
  for (const name of predicateNames) {
    const key = `predicates.${name}.type`;
    const type = config[key];
    if (!type) {
      problem(
        key,
        undefined,
        `Missing required configuration "${key}" for predicate "${name}" listed in "predicates"`,
      );
      continue;
    }
    try {
      const { instance } = await instantiate('predicate', type);
      const predicate = instance as Predicate<R>;
      await predicate.configure(subConfig(config, `predicates.${name}.`, ['type']));
      predicates.set(name, predicate);
    } catch (error) {
      problem(
        key,
        type,
        `Invalid value ${type} for configuration ${key}: ${(error as Error).message}`,
      );
    }
  }
  const steps: TransformStep<R>[] = [];
  const aliases = list(config.transforms);
  const seen = new Set<string>();
  for (const alias of aliases) {
    if (seen.has(alias)) {
      problem(
        'transforms',
        config.transforms,
        `Duplicate alias "${alias}" in configuration transforms`,
      );
      continue;
    }
    seen.add(alias);
    const typeKey = `transforms.${alias}.type`;
    const type = config[typeKey];
    const predicateKey = `transforms.${alias}.predicate`;
    const negateKey = `transforms.${alias}.negate`;
    const predicateName = config[predicateKey];
    const negateRaw = config[negateKey];
    let predicate: Predicate<R> | null = null;
    if (predicateName) {
      if (!predicateNames.includes(predicateName)) {
        problem(
          predicateKey,
          predicateName,
          `Invalid value ${predicateName} for configuration ${predicateKey}: the predicate is not listed in "predicates"`,
        );
      } else {
        predicate = predicates.get(predicateName) ?? null;
      }
    }
    let negate = false;
    if (negateRaw !== undefined) {
      if (!predicateName) {
        problem(
          negateKey,
          negateRaw,
          `Invalid configuration ${negateKey}: "negate" needs "${predicateKey}"`,
        );
      } else if (negateRaw.toLowerCase() !== 'true' && negateRaw.toLowerCase() !== 'false') {
        problem(
          negateKey,
          negateRaw,
          `Invalid value ${negateRaw} for configuration ${negateKey}: Expected value to be either true or false`,
        );
      } else negate = negateRaw.toLowerCase() === 'true';
    }
    if (!type) {
      problem(
        typeKey,
        undefined,
        `Missing required configuration "${typeKey}" for transform "${alias}" listed in "transforms"`,
      );
      continue;
    }
    try {
      const { instance, className } = await instantiate('transform', type);
      const transform = instance as Transformation<R>;
      await transform.configure(
        subConfig(config, `transforms.${alias}.`, ['type', 'predicate', 'negate']),
      );
      steps.push(new TransformStep(alias, className, transform, predicate, negate));
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ConfigException && error.problems.length > 0) {
        for (const p of error.problems)
          problem(`transforms.${alias}.${p.key}`, p.value, `Transform "${alias}": ${p.message}`);
      } else {
        problem(typeKey, type, `Invalid value ${type} for configuration ${typeKey}: ${message}`);
      }
    }
  }
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  return new TransformationChain(steps, predicates);
}
