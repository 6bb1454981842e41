/** An answer of the REST API other than 2xx, with Kafka Connect's `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One call to this worker's REST API. Same origin: the browser sends the basic credentials it
 * was asked for when it loaded the console, and TLS is the page's own.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await fetch(path, init);
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // Not Kafka's error body: the status line says what happened.
    }
    throw new ApiError(res.status, message);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Path segment of a connector or plugin name. */
export const seg = encodeURIComponent;

export interface TaskStatus {
  id: number;
  state: string;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: TaskStatus[];
  type: string;
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: string;
}

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  display_name: string;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  configs: {
    definition: ConfigKeyInfo;
    value: {
      name: string;
      value: string | null;
      errors: string[];
      visible: boolean;
      recommended_values: string[];
    };
  }[];
}

export interface PluginInfo {
  class: string;
  type: string;
  version: string;
}
