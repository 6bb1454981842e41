/** How a table is read: by a timestamp or timeuuid column, or in full passes in token order. */
export type ReadMode = 'timestamp' | 'timeuuid' | 'bulk';

/** One `INSERT INTO topic SELECT ... FROM table ...` statement of `connect.cassandra.kcql`. */
export interface KcqlStatement {
  readonly topic: string;
  readonly table: string;
  /** Selected columns; empty for `*`. */
  readonly columns: readonly string[];
  readonly mode: ReadMode;
  /** The incremental column (`PK`), or null in bulk mode. */
  readonly incrementalColumn: string | null;
  /** `WITHKEY(...)` columns: the record key is their values joined by `keyDelimiter`; empty: the primary key struct. */
  readonly keyColumns: readonly string[];
  readonly keyDelimiter: string;
  /** The statement as written, for messages. */
  readonly text: string;
}

const NAME = String.raw`(?:\x60[^\x60]+\x60|[A-Za-z0-9_.\-]+)`;
const STATEMENT = new RegExp(
  String.raw`^INSERT\s+INTO\s+(${NAME})\s+SELECT\s+(.+?)\s+FROM\s+(${NAME})((?:\s+.*)?)$`,
  'is',
);

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1) : name;
}

/** Parses one KCQL statement, refusing the clauses this source does not support by name. */
export function parseKcqlStatement(text: string): KcqlStatement {
  const t = text.trim();
  const m = STATEMENT.exec(t);
  if (m === null) {
    throw new Error(
      `'${t}' is not of the form INSERT INTO <topic> SELECT <columns>|* FROM <table> [PK <column>] [INCREMENTALMODE=TIMESTAMP|TIMEUUID|TOKEN] [WITHKEY(<column>,...)] [KEYDELIMITER='<text>']`,
    );
  }
  const [, topic, select, table, extra] = m as unknown as [string, string, string, string, string];
  const columns =
    select.trim() === '*'
      ? []
      : select.split(',').map((c) => {
          const name = c.trim();
          if (!new RegExp(`^${NAME}$`).test(name)) {
            throw new Error(`'${name}' in '${t}' is not a column name (aliases are not supported)`);
          }
          return unquote(name);
        });
  let rest = extra.trim();
  let pk: string | null = null;
  let mode: string | null = null;
  let keyColumns: string[] = [];
  let keyDelimiter = '.';
  const clauses: [RegExp, (m: RegExpExecArray) => void][] = [
    [
      new RegExp(`^PK\\s+(${NAME})`, 'i'),
      (m) => {
        pk = unquote(m[1] as string);
      },
    ],
    [
      /^INCREMENTALMODE\s*=\s*([A-Za-z]+)/i,
      (m) => {
        mode = (m[1] as string).toUpperCase();
      },
    ],
    [
      /^WITHKEY\s*\(([^)]*)\)/i,
      (m) => {
        keyColumns = (m[1] as string).split(',').map((k) => unquote(k.trim()));
      },
    ],
    [
      /^KEYDELIMITER\s*=\s*'([^']*)'/i,
      (m) => {
        keyDelimiter = m[1] as string;
      },
    ],
    [
      /^WITHFORMAT\s+([A-Za-z]+)/i,
      (m) => {
        throw new Error(
          `WITHFORMAT ${m[1]} in '${t}' is not supported: records carry typed Connect values; choose the format with the value converter`,
        );
      },
    ],
  ];
  while (rest !== '') {
    const found = clauses
      .map(([regex, apply]) => ({ m: regex.exec(rest), apply }))
      .find((c) => c.m !== null);
    if (found === undefined || found.m === null) throw new Error(`Unexpected '${rest}' in '${t}'`);
    found.apply(found.m);
    rest = rest.slice(found.m[0].length).trim();
  }
  if (mode === 'DSESEARCHTIMESTAMP') {
    throw new Error(
      `INCREMENTALMODE=DSESEARCHTIMESTAMP in '${t}' needs DSE Search, which Cassandra lacks`,
    );
  }
  if (mode !== null && !['TIMESTAMP', 'TIMEUUID', 'TOKEN'].includes(mode)) {
    throw new Error(`INCREMENTALMODE=${mode} in '${t}' is not one of TIMESTAMP, TIMEUUID, TOKEN`);
  }
  if ((mode === 'TIMESTAMP' || mode === 'TIMEUUID') && pk === null) {
    throw new Error(`INCREMENTALMODE=${mode} in '${t}' needs the column to track: PK <column>`);
  }
  // As stream-reactor: a PK column without a mode is a timestamp column; TOKEN reads in full passes.
  const readMode: ReadMode =
    mode === 'TIMEUUID' ? 'timeuuid' : mode === 'TOKEN' || pk === null ? 'bulk' : 'timestamp';
  return {
    topic: unquote(topic),
    table: unquote(table),
    columns,
    mode: readMode,
    incrementalColumn: readMode === 'bulk' ? null : pk,
    keyColumns: keyColumns.filter((k) => k !== ''),
    keyDelimiter,
    text: t,
  };
}

/** Parses `connect.cassandra.kcql`: statements separated by `;`. */
export function parseKcql(text: string): KcqlStatement[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseKcqlStatement);
}
