import type pg from 'pg';

/** A PostgreSQL type as the CDC mapping needs it. */
export interface PostgresType {
  readonly oid: number;
  readonly name: string;
  readonly namespace: string;
  /** `b` base, `e` enum, `d` domain, `c` composite, `r` range, `m` multirange, `p` pseudo. */
  readonly kind: string;
  /** `pg_type.typcategory`: `A` for arrays. */
  readonly category: string;
  /** The element type of an array, 0 otherwise. */
  readonly elementOid: number;
  /** The base type of a domain, 0 otherwise. */
  readonly baseOid: number;
  /** A domain's type modifier (`numeric(10,2)` of `CREATE DOMAIN d AS numeric(10,2)`), -1 otherwise. */
  readonly domainTypmod: number;
  readonly delimiter: string;
  /** An enum's labels in their sort order. */
  readonly enumLabels: readonly string[];
}

interface TypeRow {
  oid: string;
  typname: string;
  nspname: string;
  typtype: string;
  typcategory: string;
  typelem: string;
  typbasetype: string;
  typtypmod: string;
  typdelim: string;
  labels: string | null;
}

const TYPE_QUERY = `SELECT t.oid, t.typname, n.nspname, t.typtype, t.typcategory, t.typelem, t.typbasetype, t.typtypmod, t.typdelim,
  (SELECT string_agg(e.enumlabel, chr(1) ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace`;

/**
 * Every type of the database, loaded once (as Debezium's TypeRegistry does) and again for a type
 * created later (a new enum, an extension installed while streaming).
 */
export class TypeRegistry {
  private readonly byOid = new Map<number, PostgresType>();

  /** Loads all types. */
  async load(client: pg.Client): Promise<void> {
    this.add((await client.query<TypeRow>(TYPE_QUERY)).rows);
  }

  /** The type of `oid`, loading it (and its element or base type) when it is new. */
  async resolve(client: pg.Client, oid: number): Promise<PostgresType> {
    const known = this.byOid.get(oid);
    if (known !== undefined) return known;
    await this.load(client);
    const loaded = this.byOid.get(oid);
    if (loaded === undefined) throw new Error(`PostgreSQL type ${oid} does not exist`);
    return loaded;
  }

  /** A type already loaded. */
  get(oid: number): PostgresType {
    const type = this.byOid.get(oid);
    if (type === undefined) throw new Error(`PostgreSQL type ${oid} was not loaded`);
    return type;
  }

  /** The type a domain is based on (through domains of domains); the type itself otherwise. */
  root(type: PostgresType): PostgresType {
    let current = type;
    while (current.kind === 'd' && current.baseOid !== 0) current = this.get(current.baseOid);
    return current;
  }

  /** The oid of a type by name (`hstore`, `citext`...), or 0 when it is not installed. */
  oidOf(name: string): number {
    for (const type of this.byOid.values()) if (type.name === name) return type.oid;
    return 0;
  }

  private add(rows: readonly TypeRow[]): void {
    for (const row of rows) {
      this.byOid.set(Number(row.oid), {
        oid: Number(row.oid),
        name: row.typname,
        namespace: row.nspname,
        kind: row.typtype,
        category: row.typcategory,
        elementOid: Number(row.typelem),
        baseOid: Number(row.typbasetype),
        domainTypmod: Number(row.typtypmod),
        delimiter: row.typdelim,
        enumLabels: row.labels === null ? [] : row.labels.split('\u0001'),
      });
    }
  }
}
