import type { TargetState } from '../herder/herder.js';
import { badRequest, RestException } from './rest-exception.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A connector config from a request body: a JSON object whose values are strings. Numbers and
 * booleans are taken as their text, as Kafka's JSON mapper coerces them into `Map<String, String>`.
 */
export function configBody(value: unknown, what = 'The connector config'): Record<string, string> {
  if (!isObject(value)) throw badRequest(`${what} must be a JSON object of string values`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw badRequest(`${what}: the value of ${k} must be a string`);
  }
  return out;
}

/** `POST /connectors`: `{"name", "config", "initial_state"}` (Kafka's CreateConnectorRequest). */
export function createConnectorBody(value: unknown): {
  name: string;
  config: Record<string, string>;
  initialTarget: TargetState;
} {
  if (!isObject(value))
    throw badRequest('The request body must be a JSON object with name and config');
  if (value.name !== undefined && value.name !== null && typeof value.name !== 'string')
    throw badRequest('The connector name must be a string');
  if (value.config === undefined || value.config === null)
    throw badRequest('The request body must hold the connector config under "config"');
  const state = value.initial_state ?? 'RUNNING';
  const targets: Record<string, TargetState> = {
    RUNNING: 'STARTED',
    PAUSED: 'PAUSED',
    STOPPED: 'STOPPED',
  };
  const initialTarget = typeof state === 'string' ? targets[state.toUpperCase()] : undefined;
  if (!initialTarget)
    throw badRequest(`Invalid initial_state ${String(state)}: use RUNNING, PAUSED or STOPPED`);
  return {
    // Kafka trims the name and turns a missing one into "" (refused by the name validator).
    name: typeof value.name === 'string' ? value.name.trim() : '',
    config: configBody(value.config),
    initialTarget,
  };
}

/**
 * Kafka's checkAndPutConnectorConfigName: a `name` in the config must equal the one in the
 * request; a missing one is filled in.
 */
export function withConnectorName(
  name: string,
  config: Record<string, string>,
): Record<string, string> {
  const included = config.name;
  if (included !== undefined && included !== name) {
    throw badRequest(
      `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`,
    );
  }
  return { ...config, name };
}

/** A boolean query parameter as JAX-RS reads it (`Boolean.valueOf`): true only for "true". */
export function booleanParam(query: URLSearchParams, key: string): boolean {
  return query.get(key)?.toLowerCase() === 'true';
}

/** A task id path parameter; not a number answers 404, as Jersey does for an Integer parameter. */
export function taskIdParam(value: string | undefined): number {
  if (value === undefined || !/^-?\d+$/.test(value))
    throw new RestException(404, 'HTTP 404 Not Found');
  return Number(value);
}
