/**
 * The few Java serialization shapes Debezium stores incremental snapshot keys in: an `Object[]` of
 * Short, Integer, Long, String or UUID values, hex-encoded (its `incremental_snapshot_primary_key`
 * and `_maximum_key` offsets). Writing and reading them byte for byte keeps those offsets
 * interchangeable with Debezium's.
 */

/** A key value with the Java class it is serialized as. */
export type JavaValue =
  | { readonly type: 'short' | 'int'; readonly value: number }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'uuid'; readonly value: string };

const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_ENDBLOCKDATA = 0x78;
const SC_SERIALIZABLE = 0x02;
const BASE_HANDLE = 0x7e0000;

interface ClassDesc {
  readonly name: string;
  readonly suid: bigint;
  readonly fields: readonly [code: string, name: string][];
  readonly parent: ClassDesc | null;
}

const NUMBER: ClassDesc = {
  name: 'java.lang.Number',
  suid: 0x86ac951d0b94e08bn,
  fields: [],
  parent: null,
};
const CLASSES: Record<'short' | 'int' | 'long' | 'uuid', ClassDesc> = {
  short: {
    name: 'java.lang.Short',
    suid: 0x684d37133460da52n,
    fields: [['S', 'value']],
    parent: NUMBER,
  },
  int: {
    name: 'java.lang.Integer',
    suid: 0x12e2a0a4f7818738n,
    fields: [['I', 'value']],
    parent: NUMBER,
  },
  long: {
    name: 'java.lang.Long',
    suid: 0x3b8be490cc8f23dfn,
    fields: [['J', 'value']],
    parent: NUMBER,
  },
  uuid: {
    name: 'java.util.UUID',
    suid: 0xbc9903f7986d852fn,
    fields: [
      ['J', 'leastSigBits'],
      ['J', 'mostSigBits'],
    ],
    parent: null,
  },
};
const OBJECT_ARRAY: ClassDesc = {
  name: '[Ljava.lang.Object;',
  suid: 0x90ce589f1073296cn,
  fields: [],
  parent: null,
};

class Writer {
  private readonly bytes: number[] = [0xac, 0xed, 0x00, 0x05];
  private nextHandle = BASE_HANDLE;
  private readonly descHandles = new Map<ClassDesc, number>();

  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }

  u16(v: number): void {
    this.u8(v >> 8);
    this.u8(v);
  }

  i32(v: number): void {
    for (let shift = 24; shift >= 0; shift -= 8) this.u8(v >> shift);
  }

  i64(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    for (let shift = 56n; shift >= 0n; shift -= 8n) this.u8(Number((u >> shift) & 0xffn));
  }

  utf(s: string): void {
    // Java's modified UTF-8 equals UTF-8 for the characters of class names and field names;
    // for values it differs only for NUL and supplementary characters, handled here.
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 1 && c <= 0x7f) out.push(c);
      else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
      else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
    if (out.length > 0xffff) throw new Error('string too long for a Java serialized key');
    this.u16(out.length);
    for (const b of out) this.u8(b);
  }

  classDesc(desc: ClassDesc | null): void {
    if (desc === null) {
      this.u8(TC_NULL);
      return;
    }
    const handle = this.descHandles.get(desc);
    if (handle !== undefined) {
      this.u8(TC_REFERENCE);
      this.i32(handle);
      return;
    }
    this.u8(TC_CLASSDESC);
    this.utf(desc.name);
    this.i64(desc.suid);
    this.descHandles.set(desc, this.nextHandle++);
    this.u8(SC_SERIALIZABLE);
    this.u16(desc.fields.length);
    for (const [code, name] of desc.fields) {
      this.u8(code.charCodeAt(0));
      this.utf(name);
    }
    this.u8(TC_ENDBLOCKDATA);
    this.classDesc(desc.parent);
  }

  value(v: JavaValue): void {
    if (v.type === 'string') {
      this.u8(TC_STRING);
      this.nextHandle++;
      this.utf(v.value);
      return;
    }
    this.u8(TC_OBJECT);
    this.classDesc(CLASSES[v.type]);
    this.nextHandle++;
    switch (v.type) {
      case 'short':
        this.u16(v.value);
        break;
      case 'int':
        this.i32(v.value);
        break;
      case 'long':
        this.i64(v.value);
        break;
      case 'uuid': {
        const hex = v.value.replaceAll('-', '');
        this.i64(BigInt(`0x${hex.slice(16)}`));
        this.i64(BigInt(`0x${hex.slice(0, 16)}`));
        break;
      }
    }
  }

  array(values: readonly JavaValue[]): string {
    this.u8(TC_ARRAY);
    this.classDesc(OBJECT_ARRAY);
    this.nextHandle++;
    this.i32(values.length);
    for (const v of values) this.value(v);
    return Buffer.from(this.bytes).toString('hex');
  }
}

/** Debezium's hex of `new Object[] {...}` serialized. */
export function serializeKey(values: readonly JavaValue[]): string {
  return new Writer().array(values);
}

class Reader {
  private pos = 0;
  private readonly handles: unknown[] = [];

  constructor(private readonly buf: Buffer) {}

  private fail(what: string): never {
    throw new Error(`${what} at byte ${this.pos} of a serialized incremental snapshot key`);
  }

  u8(): number {
    if (this.pos >= this.buf.length) this.fail('unexpected end');
    return this.buf[this.pos++] as number;
  }

  u16(): number {
    return (this.u8() << 8) | this.u8();
  }

  i32(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  utf(): string {
    const length = this.u16();
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return s;
  }

  classDesc(): ClassDesc | null {
    const tc = this.u8();
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) return this.handles[this.i32() - BASE_HANDLE] as ClassDesc;
    if (tc !== TC_CLASSDESC) this.fail(`unexpected type code 0x${tc.toString(16)}`);
    const name = this.utf();
    const suid = this.i64();
    const handle = this.handles.length;
    this.handles.push(null);
    this.u8();
    const fields: [string, string][] = [];
    const count = this.u16();
    for (let i = 0; i < count; i++) {
      const code = String.fromCharCode(this.u8());
      fields.push([code, this.utf()]);
      if (code === 'L' || code === '[') this.fail(`object field in ${name} not supported`);
    }
    if (this.u8() !== TC_ENDBLOCKDATA) this.fail(`class annotations of ${name} not supported`);
    const desc: ClassDesc = { name, suid, fields, parent: this.classDesc() };
    this.handles[handle] = desc;
    return desc;
  }

  value(): JavaValue {
    const tc = this.u8();
    if (tc === TC_STRING) {
      const value = this.utf();
      this.handles.push(value);
      return { type: 'string', value };
    }
    if (tc !== TC_OBJECT) this.fail(`unexpected type code 0x${tc.toString(16)}`);
    const desc = this.classDesc();
    this.handles.push(null);
    switch (desc?.name) {
      case 'java.lang.Short':
        return { type: 'short', value: (this.u16() << 16) >> 16 };
      case 'java.lang.Integer':
        return { type: 'int', value: this.i32() };
      case 'java.lang.Long':
        return { type: 'long', value: this.i64() };
      case 'java.util.UUID': {
        const least = BigInt.asUintN(64, this.i64()).toString(16).padStart(16, '0');
        const most = BigInt.asUintN(64, this.i64()).toString(16).padStart(16, '0');
        const hex = most + least;
        return {
          type: 'uuid',
          value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        };
      }
      default:
        this.fail(`key values of class ${desc?.name} are not supported`);
    }
  }

  array(): JavaValue[] {
    if (this.u8() !== 0xac || this.u8() !== 0xed || this.u16() !== 5)
      this.fail('not Java serialization');
    if (this.u8() !== TC_ARRAY) this.fail('not an array');
    const desc = this.classDesc();
    if (desc?.name !== OBJECT_ARRAY.name) this.fail(`not an Object[] but ${desc?.name}`);
    this.handles.push(null);
    const length = this.i32();
    const out: JavaValue[] = [];
    for (let i = 0; i < length; i++) out.push(this.value());
    return out;
  }
}

/** Reads Debezium's hex of a serialized `Object[]` key. Throws naming what it cannot read. */
export function deserializeKey(hex: string): JavaValue[] {
  return new Reader(Buffer.from(hex, 'hex')).array();
}
