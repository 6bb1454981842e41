import {
  type Config,
  ConfigDef,
  type ConfigProblem,
  type ConfigValue,
  type ConnectorProps,
} from '@sluice/api';

/** The string-valued properties. */
export function entriesOf(props: ConnectorProps): [string, string][] {
  return Object.entries(props).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** Kafka's message for a bad value, as a problem. */
export function invalid(key: string, value: unknown, reason: string): ConfigProblem {
  return {
    key,
    value,
    message: `Invalid value ${String(value)} for configuration ${key}: ${reason}`,
  };
}

/** `def` with every key under `prefix`, validators seeing the full key name (unlike `embed`). */
export function prefixed(def: ConfigDef<object>, prefix: string): ConfigDef<object> {
  const out = new ConfigDef();
  for (const key of def.sortedKeys()) {
    out.define(`${prefix}${key.name}`, {
      type: key.type,
      ...(key.hasDefault ? { default: key.defaultValue as string | null } : {}),
      ...(key.validator === null ? {} : { validator: key.validator }),
      importance: key.importance,
      documentation: key.documentation,
    });
  }
  return out;
}

/** The problems `def`'s own validation finds. */
export function problemsOf(def: ConfigDef<object>, props: ConnectorProps): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const v of def.validateAll(props).values()) {
    for (const message of v.errorMessages)
      problems.push({ key: v.name, value: props[v.name], message });
  }
  return problems;
}

/** Validation results for the REST API: the ConfigDef's, with the other problems attached to their keys. */
export function withProblems(
  def: ConfigDef<object>,
  props: ConnectorProps,
  problems: ConfigProblem[],
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
