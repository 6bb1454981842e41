/**
 * Turns pino's JSON lines into lines for people, in the shape of Kafka Connect's log4j pattern
 * (`[time] LEVEL [connector|task-0] message`): the extra fields follow the message as key=value,
 * an error's stack trace follows on indented lines.
 */

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields the line shows in its own places (or not at all: `pid` is the same on every line). */
const PLACED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'connector', 'task', 'err']);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time as Kafka's log4j prints it: `2025-01-31 12:34:56,789`. */
function timestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** Kafka's `connector.context` MDC: `[name|task-0] `, `[name|worker] ` for the connector itself. */
function context(entry: Record<string, unknown>): string {
  if (typeof entry.connector !== 'string') return '';
  const scope = typeof entry.task === 'number' ? `task-${entry.task}` : 'worker';
  return `[${entry.connector}|${scope}] `;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** One pino JSON line as a human-readable line (ending with a newline); other text is kept as is. */
export function formatLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = LEVELS[entry.level as number] ?? String(entry.level);
  const time = typeof entry.time === 'number' ? timestamp(entry.time) : '';
  let line = `[${time}] ${level} ${context(entry)}${typeof entry.msg === 'string' ? entry.msg : ''}`;
  for (const [key, value] of Object.entries(entry)) {
    if (!PLACED.has(key) && value !== undefined) line += ` ${key}=${fieldValue(value)}`;
  }
  const err = entry.err as { message?: string; stack?: string } | undefined;
  if (err) {
    const trace = err.stack ?? err.message ?? JSON.stringify(err);
    line += `\n${trace
      .split('\n')
      .map((l) => `    ${l.trimStart()}`)
      .join('\n')}`;
  }
  return `${line}\n`;
}
