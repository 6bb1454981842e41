import {
  type Config,
  ConfigDef,
  type ConfigProblem,
  type ConfigValue,
  type ConnectorProps,
} from '@sluice/api';

/** Kafka's message for a bad value, as a problem. */
export function invalid(key: string, value: unknown, reason: string): ConfigProblem {
  return {
    key,
    value,
    message: `Invalid value ${String(value)} for configuration ${key}: ${reason}`,
  };
}

/** The problems `def`'s own validation finds in `props`. */
export function problemsOf(
  def: ConfigDef<object>,
  props: Readonly<Record<string, unknown>>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const v of def.validateAll(props).values()) {
    for (const message of v.errorMessages)
      problems.push({ key: v.name, value: props[v.name], message });
  }
  return problems;
}

/**
 * `props` without the keys `problems` name (their defaults take their place), and with a stand-in
 * for required keys that are missing (their names: never used, the problem is already reported),
 * so that `def.parse` succeeds and the checks after it still report their own problems: one
 * validation lists every problem, not only the first kind.
 */
export function parsableProps(
  def: ConfigDef<object>,
  props: Readonly<Record<string, unknown>>,
  problems: readonly ConfigProblem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...props };
  for (const p of problems) delete out[p.key];
  for (const key of def.sortedKeys())
    if (!key.hasDefault && out[key.name] === undefined) out[key.name] = key.name;
  return out;
}

/** Validation results for the REST API: the ConfigDef's, with the other problems attached to their keys. */
export function withProblems(
  def: ConfigDef<object>,
  props: ConnectorProps,
  problems: readonly ConfigProblem[],
): Config {
  const values = def.validateAll(props);
  for (const problem of problems) {
    const value = values.get(problem.key);
    if (value === undefined) {
      values.set(problem.key, {
        name: problem.key,
        value: problem.value === undefined ? null : String(problem.value),
        recommendedValues: [],
        errorMessages: [problem.message],
        visible: true,
      } satisfies ConfigValue);
    } else if (!value.errorMessages.includes(problem.message)) {
      value.errorMessages.push(problem.message);
    }
  }
  return { configValues: [...values.values()] };
}

/** A JSON value given as text in a config key, or a problem naming the key. */
export function parseJsonSetting(
  key: string,
  text: string,
  problems: ConfigProblem[],
): unknown | undefined {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems.push(invalid(key, text, `not valid JSON: ${(error as Error).message}`));
    return undefined;
  }
}

/** One ConfigDef holding the keys (and unsupported keys) of every def, groups kept. */
export function combine(...defs: ConfigDef<object>[]): ConfigDef<object> {
  const out = new ConfigDef();
  for (const def of defs) {
    for (const key of def.sortedKeys()) {
      out.define(key.name, {
        type: key.type,
        ...(key.hasDefault ? { default: key.defaultValue as string | null } : {}),
        ...(key.validator === null ? {} : { validator: key.validator }),
        importance: key.importance,
        documentation: key.documentation,
        ...(key.group === null ? {} : { group: key.group }),
        orderInGroup: key.orderInGroup,
      });
    }
    for (const [name, reason] of def.unsupportedKeys()) out.defineUnsupported(name, reason);
  }
  return out;
}
