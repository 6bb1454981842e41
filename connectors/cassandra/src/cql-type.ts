import cassandra from 'cassandra-driver';

const { dataTypes } = cassandra.types;

export type ScalarKind =
  | 'ascii'
  | 'text'
  | 'bigint'
  | 'counter'
  | 'blob'
  | 'boolean'
  | 'decimal'
  | 'double'
  | 'float'
  | 'int'
  | 'smallint'
  | 'tinyint'
  | 'timestamp'
  | 'uuid'
  | 'timeuuid'
  | 'varint'
  | 'inet'
  | 'date'
  | 'time'
  | 'duration';

/** A CQL type, as the connector reasons about it (built from the driver's table metadata). */
export type CqlType =
  | { readonly kind: ScalarKind }
  | { readonly kind: 'list' | 'set'; readonly element: CqlType; readonly frozen: boolean }
  | {
      readonly kind: 'map';
      readonly key: CqlType;
      readonly value: CqlType;
      readonly frozen: boolean;
    }
  | { readonly kind: 'tuple'; readonly elements: readonly CqlType[] }
  | {
      readonly kind: 'udt';
      readonly keyspace: string;
      readonly name: string;
      readonly fields: readonly { readonly name: string; readonly type: CqlType }[];
      readonly frozen: boolean;
    }
  | { readonly kind: 'vector'; readonly element: CqlType; readonly dimension: number };

const SCALARS: Record<number, ScalarKind> = {
  [dataTypes.ascii]: 'ascii',
  [dataTypes.bigint]: 'bigint',
  [dataTypes.blob]: 'blob',
  [dataTypes.boolean]: 'boolean',
  [dataTypes.counter]: 'counter',
  [dataTypes.decimal]: 'decimal',
  [dataTypes.double]: 'double',
  [dataTypes.float]: 'float',
  [dataTypes.int]: 'int',
  [dataTypes.text]: 'text',
  [dataTypes.varchar]: 'text',
  [dataTypes.timestamp]: 'timestamp',
  [dataTypes.uuid]: 'uuid',
  [dataTypes.varint]: 'varint',
  [dataTypes.timeuuid]: 'timeuuid',
  [dataTypes.inet]: 'inet',
  [dataTypes.date]: 'date',
  [dataTypes.time]: 'time',
  [dataTypes.smallint]: 'smallint',
  [dataTypes.tinyint]: 'tinyint',
  [dataTypes.duration]: 'duration',
};

/** The driver's description of a type (table metadata, result columns). */
export interface DriverType {
  code: number;
  info?: unknown;
  options?: { frozen?: boolean };
  customTypeName?: string;
}

/** Converts the driver's type description; throws for types the connector cannot handle. */
export function cqlTypeOf(type: DriverType): CqlType {
  const scalar = SCALARS[type.code];
  if (scalar !== undefined) return { kind: scalar };
  const frozen = type.options?.frozen ?? false;
  switch (type.code) {
    case dataTypes.list:
    case dataTypes.set:
      return {
        kind: type.code === dataTypes.list ? 'list' : 'set',
        element: cqlTypeOf(type.info as DriverType),
        frozen,
      };
    case dataTypes.map: {
      const [key, value] = type.info as [DriverType, DriverType];
      return { kind: 'map', key: cqlTypeOf(key), value: cqlTypeOf(value), frozen };
    }
    case dataTypes.tuple:
      return { kind: 'tuple', elements: (type.info as DriverType[]).map(cqlTypeOf) };
    case dataTypes.udt: {
      const info = type.info as {
        keyspace: string;
        name: string;
        fields: { name: string; type: DriverType }[];
      };
      return {
        kind: 'udt',
        keyspace: info.keyspace,
        name: info.name,
        fields: info.fields.map((f) => ({ name: f.name, type: cqlTypeOf(f.type) })),
        frozen,
      };
    }
    case dataTypes.custom:
      if (type.customTypeName === 'vector') {
        const [element, dimension] = type.info as [DriverType, number];
        return { kind: 'vector', element: cqlTypeOf(element), dimension };
      }
  }
  throw new Error(`CQL type ${JSON.stringify(type.customTypeName ?? type.code)} is not supported`);
}

/** The type as CQL writes it (`frozen<list<int>>`), for messages and docs. */
export function cqlTypeName(type: CqlType): string {
  const frozen = (text: string, isFrozen: boolean) => (isFrozen ? `frozen<${text}>` : text);
  switch (type.kind) {
    case 'list':
    case 'set':
      return frozen(`${type.kind}<${cqlTypeName(type.element)}>`, type.frozen);
    case 'map':
      return frozen(`map<${cqlTypeName(type.key)}, ${cqlTypeName(type.value)}>`, type.frozen);
    case 'tuple':
      return `frozen<tuple<${type.elements.map(cqlTypeName).join(', ')}>>`;
    case 'udt':
      return frozen(`${type.keyspace}.${type.name}`, type.frozen);
    case 'vector':
      return `vector<${cqlTypeName(type.element)}, ${type.dimension}>`;
    default:
      return type.kind;
  }
}

/** A CQL identifier, quoted when it has to be (and always quoted: names are taken literally). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
