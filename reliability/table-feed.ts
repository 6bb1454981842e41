/** Rows `(id serial, line text)` inserted on a timer: the live input of a PostgreSQL source. */
import pg from 'pg';
import type { Feed } from './pipeline.js';

export class TableFeed implements Feed {
  /** Rows committed so far (`line-0` .. `line-<written-1>`). */
  written = 0;
  /** Inserts that failed (the server was down) and were tried again. */
  failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> = Promise.resolve();
  private client: pg.Client | null = null;

  constructor(
    readonly url: string,
    readonly table: string,
    readonly perTick = 10,
    readonly tickMs = 100,
  ) {}

  /** Creates the table. */
  async create(): Promise<void> {
    await this.query(`CREATE TABLE ${this.table} (id serial PRIMARY KEY, line text NOT NULL)`);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // One insert at a time: a tick that finds the last one still running skips.
      this.busy = this.busy.then(() => this.insert());
    }, this.tickMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async insert(): Promise<void> {
    const from = this.written;
    const to = from + this.perTick;
    try {
      await this.query(
        `INSERT INTO ${this.table} (line) SELECT 'line-' || g FROM generate_series(${from}, ${to - 1}) g`,
      );
      this.written = to;
    } catch {
      // The server is down: drop the connection, the next tick inserts the same lines again.
      this.failures++;
      await this.client?.end().catch(() => undefined);
      this.client = null;
    }
  }

  private async query(sql: string): Promise<void> {
    if (this.client === null) {
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2_000 });
      client.on('error', () => undefined);
      await client.connect();
      this.client = client;
    }
    await this.client.query(sql);
  }
}

/**
 * Every `line` of `table` at `url`, over a connection of its own (so a server restart between
 * two reads does not matter); none while the sink has not created the table yet.
 */
export async function readLines(url: string, table: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ line: string }>(`SELECT line FROM ${table}`);
    return rows.map((r) => r.line);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops a scenario's table from a shared server. */
export async function dropTable(url: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
