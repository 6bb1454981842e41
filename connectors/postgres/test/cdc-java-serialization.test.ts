import { describe, expect, it } from 'vitest';
import { deserializeKey, type JavaValue, serializeKey } from '../src/cdc/java-serialization.js';

/**
 * What Java 17's ObjectOutputStream writes for `new Object[] {5}` and for
 * `new Object[] {5, -7L, "héllo", (short) 3, UUID.fromString("a0eebc99-…"), 6, "x"}`.
 */
const JAVA_ONE_INT =
  'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000005';
const JAVA_MIXED =
  'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000007737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870000000057372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c75657871007e0003fffffffffffffff974000668c3a96c6c6f7372000f6a6176612e6c616e672e53686f7274684d37133460da5202000153000576616c75657871007e000300037372000e6a6176612e7574696c2e55554944bc9903f7986d852f0200024a000c6c65617374536967426974734a000b6d6f7374536967426974737870bb6d6bb9bd380a11a0eebc999c0b4ef87371007e00020000000674000178';

const MIXED: JavaValue[] = [
  { type: 'int', value: 5 },
  { type: 'long', value: -7n },
  { type: 'string', value: 'héllo' },
  { type: 'short', value: 3 },
  { type: 'uuid', value: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
  { type: 'int', value: 6 },
  { type: 'string', value: 'x' },
];

describe('Java serialization of incremental snapshot keys', () => {
  it('writes the very bytes Java writes, shared class descriptions included', () => {
    expect(serializeKey([{ type: 'int', value: 5 }])).toBe(JAVA_ONE_INT);
    expect(serializeKey(MIXED)).toBe(JAVA_MIXED);
  });

  it('reads what Java wrote', () => {
    expect(deserializeKey(JAVA_MIXED)).toEqual(MIXED);
    expect(deserializeKey(serializeKey([{ type: 'short', value: -2 }]))).toEqual([
      { type: 'short', value: -2 },
    ]);
  });

  it('refuses classes it cannot read, naming them', () => {
    // java.lang.Integer renamed to java.lang.Intfoo (same length).
    const other = JAVA_ONE_INT.replace(
      Buffer.from('Integer').toString('hex'),
      Buffer.from('Intfoo_').toString('hex'),
    );
    expect(() => deserializeKey(other)).toThrow(/java.lang.Intfoo_ are not supported/);
  });
});
