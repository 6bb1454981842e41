import { describe, expect, it } from 'vitest';
import {
  ConnectDate,
  ConnectHeader,
  ConnectHeaders,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  type Header,
  Schema,
  SchemaBuilder,
  Struct,
} from '../src/index.js';

const keys = (headers: ConnectHeaders): string[] => [...headers].map((h) => h.key);

describe('ConnectHeaders', () => {
  it('keeps headers in order, repeated keys included', () => {
    const headers = new ConnectHeaders()
      .addString('a', '1')
      .addString('b', '2')
      .addString('a', '3');
    expect(headers.size).toBe(3);
    expect(keys(headers)).toEqual(['a', 'b', 'a']);
    expect(headers.lastWithName('a')?.value).toBe('3');
    expect(headers.allWithName('a').map((h) => h.value)).toEqual(['1', '3']);
    expect(headers.lastWithName('zzz')).toBeNull();
    expect(headers.isEmpty()).toBe(false);
  });

  it('gives each typed add its Kafka schema', () => {
    const headers = new ConnectHeaders()
      .addBoolean('bool', true)
      .addByte('i8', -1)
      .addShort('i16', 1000)
      .addInt('i32', 100000)
      .addLong('i64', 2n ** 60n)
      .addFloat('f32', 0.5)
      .addDouble('f64', 0.1)
      .addString('s', 'x')
      .addBytes('b', new Uint8Array([1]));
    const schemaOf = (key: string) => headers.lastWithName(key)?.schema;
    expect(schemaOf('bool')).toBe(Schema.BOOLEAN_SCHEMA);
    expect(schemaOf('i8')).toBe(Schema.INT8_SCHEMA);
    expect(schemaOf('i16')).toBe(Schema.INT16_SCHEMA);
    expect(schemaOf('i32')).toBe(Schema.INT32_SCHEMA);
    expect(schemaOf('i64')).toBe(Schema.INT64_SCHEMA);
    expect(schemaOf('f32')).toBe(Schema.FLOAT32_SCHEMA);
    expect(schemaOf('f64')).toBe(Schema.FLOAT64_SCHEMA);
    expect(schemaOf('s')).toBe(Schema.STRING_SCHEMA);
    expect(schemaOf('b')).toBe(Schema.BYTES_SCHEMA);
    expect(headers.lastWithName('i64')?.value).toBe(1152921504606846976n);
  });

  it('stores addLong values as bigint and refuses unsafe numbers', () => {
    const headers = new ConnectHeaders().addLong('n', 5);
    expect(headers.lastWithName('n')?.value).toBe(5n);
    expect(() => headers.addLong('n', 2 ** 60)).toThrow(
      'addLong needs a bigint or a safe integer, got 1152921504606847000',
    );
  });

  it('checks values against their schema, naming the header', () => {
    const headers = new ConnectHeaders();
    expect(() => headers.addByte('i8', 300)).toThrow(/^Header "i8": Invalid value: schema/);
    expect(() => headers.add('x', 'text', Schema.INT32_SCHEMA)).toThrow(DataException);
    expect(() => headers.add('x', null, Schema.INT32_SCHEMA)).toThrow(
      'A null value requires an optional schema but was Schema{INT32}',
    );
    expect(headers.size).toBe(0);
  });

  it('uses optional schemas for null strings and bytes, and no schema for other nulls, as Kafka', () => {
    const headers = new ConnectHeaders()
      .addString('s', null)
      .addBytes('b', null)
      .addDecimal('d', null)
      .addStruct('st', null)
      .addList('l', null, SchemaBuilder.array(Schema.STRING_SCHEMA).build())
      .addMap('m', null, SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build());
    expect(headers.lastWithName('s')?.schema).toBe(Schema.OPTIONAL_STRING_SCHEMA);
    expect(headers.lastWithName('b')?.schema).toBe(Schema.OPTIONAL_BYTES_SCHEMA);
    for (const key of ['d', 'st', 'l', 'm']) {
      expect(headers.lastWithName(key)).toMatchObject({ key, value: null, schema: null });
    }
  });

  it('accepts schemaless values', () => {
    const headers = new ConnectHeaders().add('raw', { any: ['thing'] }, null);
    expect(headers.lastWithName('raw')).toMatchObject({ schema: null, value: { any: ['thing'] } });
  });

  it('adds lists, maps and structs with their schemas, checking the container type', () => {
    const list = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
    const map = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build();
    const structSchema = SchemaBuilder.struct().field('x', Schema.INT32_SCHEMA).build();
    const headers = new ConnectHeaders()
      .addList('l', [1, 2], list)
      .addMap('m', new Map([['a', 1]]), map)
      .addStruct('s', new Struct(structSchema).put('x', 1));
    expect(headers.lastWithName('l')?.schema).toBe(list);
    expect(headers.lastWithName('m')?.schema).toBe(map);
    expect(headers.lastWithName('s')?.schema).toBe(structSchema);
    expect(() => headers.addList('bad', [1], map)).toThrow('Expecting ARRAY but instead found MAP');
    expect(() => headers.addMap('bad', new Map(), list)).toThrow(
      'Expecting MAP but instead found ARRAY',
    );
    expect(() => headers.addList('bad', ['x'], list)).toThrow(DataException);
    expect(() => headers.addStruct('bad', new Struct(structSchema))).toThrow(
      'Invalid value: null used for required field "x", schema type: INT32',
    );
  });

  it('adds logical values with their logical schemas and checks them', () => {
    const headers = new ConnectHeaders()
      .addDecimal('d', Decimal.fromString('1.250'))
      .addDate('date', new Date('2024-01-02T00:00:00Z'))
      .addTime('time', new Date(1000))
      .addTimestamp('ts', new Date(1234));
    const decimal = headers.lastWithName('d');
    expect(decimal?.schema?.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(decimal?.schema?.parameters).toEqual({ scale: '3' });
    expect(headers.lastWithName('date')?.schema).toBe(ConnectDate.SCHEMA);
    expect(headers.lastWithName('time')?.schema).toBe(ConnectTime.SCHEMA);
    expect(headers.lastWithName('ts')?.schema).toBe(ConnectTimestamp.SCHEMA);
    expect(() => headers.addDate('bad', new Date(5))).toThrow(/^Header "bad": /);
    expect(() => headers.addTime('bad', new Date('2024-01-02T00:00:00Z'))).toThrow(DataException);
    expect(() => headers.addTimestamp('bad', new Date(Number.NaN))).toThrow(DataException);
  });

  it('removes every header of a key', () => {
    const headers = new ConnectHeaders().addInt('a', 1).addInt('b', 2).addInt('a', 3);
    headers.remove('a');
    expect(keys(headers)).toEqual(['b']);
  });

  it('retains only the latest header of each key, in original order', () => {
    const headers = new ConnectHeaders()
      .addInt('a', 1)
      .addInt('b', 2)
      .addInt('a', 3)
      .addInt('c', 4)
      .addInt('b', 5);
    headers.retainLatest();
    expect([...headers].map((h) => `${h.key}=${String(h.value)}`)).toEqual(['a=3', 'c=4', 'b=5']);
  });

  it('retains only the latest header of one key, leaving other keys alone', () => {
    const headers = new ConnectHeaders()
      .addInt('a', 1)
      .addInt('b', 2)
      .addInt('a', 3)
      .addInt('b', 4);
    headers.retainLatest('a');
    expect([...headers].map((h) => `${h.key}=${String(h.value)}`)).toEqual(['b=2', 'a=3', 'b=4']);
  });

  it('applies a transform to every header or to one key; null removes', () => {
    const headers = new ConnectHeaders().addInt('a', 1).addInt('b', 2).addInt('a', 3);
    headers.apply('a', (h) => (h.value === 1 ? null : new ConnectHeader(h.key, 30, h.schema)));
    expect([...headers].map((h) => `${h.key}=${String(h.value)}`)).toEqual(['b=2', 'a=30']);
    headers.apply((h) => new ConnectHeader(`x-${h.key}`, h.value, h.schema));
    expect(keys(headers)).toEqual(['x-b', 'x-a']);
  });

  it('duplicates independently of the original', () => {
    const original = new ConnectHeaders().addString('a', '1');
    const copy = original.duplicate();
    copy.addString('b', '2');
    copy.remove('a');
    expect(keys(original)).toEqual(['a']);
    expect(keys(copy)).toEqual(['b']);
  });

  it('equals headers with the same keys, schemas and values in the same order', () => {
    const make = () => new ConnectHeaders().addLong('n', 1n).addBytes('b', new Uint8Array([1]));
    expect(make().equals(make())).toBe(true);
    expect(make().equals(make().addInt('x', 1))).toBe(false);
    expect(
      make().equals(new ConnectHeaders().addBytes('b', new Uint8Array([1])).addLong('n', 1n)),
    ).toBe(false);
    expect(make().equals([])).toBe(false);
  });

  it('copies any iterable of headers given to the constructor, refusing nulls', () => {
    const list: Header[] = [new ConnectHeader('a', 'x', Schema.STRING_SCHEMA)];
    const headers = new ConnectHeaders(list);
    list.push(new ConnectHeader('b', 'y', null));
    expect(headers.size).toBe(1);
    expect(() => new ConnectHeaders([null as unknown as Header])).toThrow(
      'Unable to add a null header.',
    );
    expect(() => headers.add(null as unknown as Header)).toThrow('Unable to add a null header.');
  });

  it('clears and lists its headers', () => {
    const headers = new ConnectHeaders().addInt('a', 1);
    const array = headers.toArray();
    array.pop();
    expect(headers.size).toBe(1);
    headers.clear();
    expect(headers.isEmpty()).toBe(true);
  });

  it('prints its headers', () => {
    expect(String(new ConnectHeaders().addInt('a', 1))).toBe(
      'ConnectHeaders(headers=ConnectHeader(key=a, value=1, schema=Schema{INT32}))',
    );
  });
});

describe('ConnectHeader', () => {
  it('is immutable and can be renamed or given a new value', () => {
    const header = new ConnectHeader('a', 1, Schema.INT32_SCHEMA);
    expect(Object.isFrozen(header)).toBe(true);
    expect(header.rename('a')).toBe(header);
    expect(header.rename('b')).toMatchObject({ key: 'b', value: 1, schema: Schema.INT32_SCHEMA });
    expect(header.with(Schema.STRING_SCHEMA, 'x')).toMatchObject({ key: 'a', value: 'x' });
  });

  it('takes a struct value schema from the struct when none is given', () => {
    const schema = SchemaBuilder.struct().field('x', Schema.INT32_SCHEMA).build();
    const header = new ConnectHeader('s', new Struct(schema).put('x', 1), null);
    expect(header.schema).toBe(schema);
  });

  it('refuses a missing key', () => {
    expect(() => new ConnectHeader(null as unknown as string, 1, null)).toThrow(
      'Null header keys are not permitted',
    );
  });
});
