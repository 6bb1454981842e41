import type pg from 'pg';

/** What the mapping needs to know about a PostgreSQL type (domains resolved to their base). */
export interface PgTypeInfo {
  readonly oid: number;
  /** `pg_type.typname` of the (base) type: `int8`, `numeric`, `_int4`, an enum's name... */
  readonly name: string;
  readonly kind: 'base' | 'enum' | 'array' | 'other';
  /** The element type of an array. */
  readonly element: PgTypeInfo | null;
  /** The array element delimiter (`,` for all but box). */
  readonly delimiter: string;
  /** A domain's type modifier (e.g. numeric(10,2) of a domain), -1 otherwise. */
  readonly typmod: number;
}

interface TypeRow {
  oid: string;
  typname: string;
  typtype: string;
  typcategory: string;
  typelem: string;
  typbasetype: string;
  typtypmod: string;
  typdelim: string;
}

/** Looks up type information by oid, once per type per connection. */
export class TypeCatalog {
  private readonly cache = new Map<number, PgTypeInfo>();

  constructor(private readonly client: pg.Client) {}

  /** The information of every oid (domains resolved, array elements loaded). */
  async resolve(oids: readonly number[]): Promise<Map<number, PgTypeInfo>> {
    await this.load(oids.filter((oid) => !this.cache.has(oid)));
    return new Map(oids.map((oid) => [oid, this.get(oid)]));
  }

  private get(oid: number): PgTypeInfo {
    const info = this.cache.get(oid);
    if (info === undefined) throw new Error(`type ${oid} was not loaded`);
    return info;
  }

  private async load(oids: readonly number[]): Promise<void> {
    if (oids.length === 0) return;
    const { rows } = await this.client.query<TypeRow>(
      'SELECT oid, typname, typtype, typcategory, typelem, typbasetype, typtypmod, typdelim FROM pg_type WHERE oid = ANY($1::oid[])',
      [oids.map(String)],
    );
    const byOid = new Map(rows.map((r) => [Number(r.oid), r]));
    const dependencies = new Set<number>();
    for (const row of rows) {
      if (row.typtype === 'd') dependencies.add(Number(row.typbasetype));
      if (row.typcategory === 'A') dependencies.add(Number(row.typelem));
    }
    await this.load([...dependencies].filter((oid) => !this.cache.has(oid)));
    for (const oid of oids) {
      const row = byOid.get(oid);
      if (row === undefined) {
        this.cache.set(oid, {
          oid,
          name: `oid ${oid}`,
          kind: 'other',
          element: null,
          delimiter: ',',
          typmod: -1,
        });
        continue;
      }
      if (row.typtype === 'd') {
        const base = this.get(Number(row.typbasetype));
        this.cache.set(oid, { ...base, typmod: Number(row.typtypmod) });
        continue;
      }
      const isArray = row.typcategory === 'A' && row.typelem !== '0';
      const element = isArray ? this.get(Number(row.typelem)) : null;
      this.cache.set(oid, {
        oid,
        name: row.typname,
        kind: isArray
          ? 'array'
          : row.typtype === 'e'
            ? 'enum'
            : row.typtype === 'b'
              ? 'base'
              : 'other',
        element,
        delimiter: element?.delimiter ?? row.typdelim,
        typmod: -1,
      });
    }
  }
}
