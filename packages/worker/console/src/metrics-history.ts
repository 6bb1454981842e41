/** One scrape of a task's counters and gauges. */
interface TaskSample {
  t: number;
  records: number;
  lag: number | null;
  errors: number;
  dlq: number;
}

/** What the charts draw: a task's records/s and lag, one point per scrape. */
export interface TaskSeries {
  rate: { t: number; v: number }[];
  lag: { t: number; v: number }[];
  errors: number;
  dlq: number;
}

/** How far back the charts reach. */
export const WINDOW_MS = 5 * 60_000;

/** A Prometheus text line: `name{label="value",...} number`. */
const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The samples of Prometheus text exposition, by metric name. */
export function parsePrometheus(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** The per-task metrics the console draws, from `GET /metrics`. */
const RECORDS = new Set([
  'kafka_connect_source_task_source_record_write_total',
  'kafka_connect_sink_task_sink_record_send_total',
]);
const LAG = 'kafka_connect_sink_task_records_lag';
const ERRORS = 'kafka_connect_task_error_record_errors_total';
const DLQ = 'kafka_connect_task_error_deadletterqueue_produce_requests_total';

/**
 * Scrapes `GET /metrics` every few seconds and keeps each task's samples of the last minutes,
 * so the charts have a history as soon as a page opens.
 */
export class MetricsHistory {
  private readonly samples = new Map<string, TaskSample[]>();
  /** Rebalance and worker gauges of the last scrape, by metric name. */
  latest: { name: string; labels: Record<string, string>; value: number }[] = [];
  error: string | null = null;

  async scrape(): Promise<void> {
    let text: string;
    try {
      const res = await fetch('/metrics');
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      text = await res.text();
      this.error = null;
    } catch (e) {
      this.error = (e as Error).message;
      return;
    }
    const now = Date.now();
    const current = new Map<string, TaskSample>();
    this.latest = parsePrometheus(text);
    for (const { name, labels, value } of this.latest) {
      if (labels.connector === undefined || labels.task === undefined) continue;
      const key = `${labels.connector}/${labels.task}`;
      let s = current.get(key);
      if (!s) {
        s = { t: now, records: 0, lag: null, errors: 0, dlq: 0 };
        current.set(key, s);
      }
      if (RECORDS.has(name)) s.records += value;
      else if (name === LAG) s.lag = value;
      else if (name === ERRORS) s.errors = value;
      else if (name === DLQ) s.dlq = value;
    }
    for (const [key, s] of current) {
      const list = this.samples.get(key) ?? [];
      list.push(s);
      while (list.length > 0 && (list[0] as TaskSample).t < now - WINDOW_MS) list.shift();
      this.samples.set(key, list);
    }
  }

  /** A task's records/s between scrapes (a counter reset by a task restart counts as 0). */
  series(connector: string, task: number): TaskSeries {
    const list = this.samples.get(`${connector}/${task}`) ?? [];
    const rate: { t: number; v: number }[] = [];
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1] as TaskSample;
      const b = list[i] as TaskSample;
      const seconds = (b.t - a.t) / 1000;
      rate.push({ t: b.t, v: seconds > 0 ? Math.max(0, b.records - a.records) / seconds : 0 });
    }
    const lag = list.flatMap((s) => (s.lag === null ? [] : [{ t: s.t, v: s.lag }]));
    const last = list[list.length - 1];
    return { rate, lag, errors: last?.errors ?? 0, dlq: last?.dlq ?? 0 };
  }

  /** The value of a gauge without task labels (rebalance metrics), or null when absent. */
  gauge(name: string): { labels: Record<string, string>; value: number } | null {
    return this.latest.find((m) => m.name === name) ?? null;
  }
}

/** The console's one history, fed by `startScraping`. */
export const metrics = new MetricsHistory();

/** Scrapes now and then every `intervalMs`; `onScrape` runs after each. */
export function startScraping(intervalMs: number, onScrape: () => void): void {
  const tick = () =>
    metrics.scrape().then(onScrape, () => {
      // scrape() records its own failures in metrics.error.
    });
  void tick();
  setInterval(tick, intervalMs);
}
