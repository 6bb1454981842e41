import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigDef, ConfigException, Password } from '../src/index.js';

const SECRET = 'correct horse battery staple';

describe('Password', () => {
  it('gives the secret only through value()', () => {
    const password = new Password(SECRET);
    expect(password.value()).toBe(SECRET);
  });

  it('never shows the secret when printed, interpolated or serialized', () => {
    const password = new Password(SECRET);
    const renderings = [
      String(password),
      `${password}`,
      // biome-ignore lint/style/useTemplate: string concatenation is one of the ways a value leaks.
      '' + password,
      password.toString(),
      JSON.stringify(password),
      JSON.stringify({ nested: { password } }),
      inspect(password),
      inspect({ config: { password } }, { depth: 10 }),
      inspect(password, { showHidden: true }),
      inspect(password, { customInspect: false, showHidden: true }),
      format('%s %o %O %j', password, password, password, password),
      Object.keys(password).join(','),
      JSON.stringify(structuredClone({ password })),
    ];
    for (const text of renderings) expect(text).not.toContain(SECRET);
    expect(String(password)).toBe('[hidden]');
    expect(JSON.stringify(password)).toBe('"[hidden]"');
    expect(inspect(password)).toBe('[hidden]');
  });

  it('is frozen and compares by secret', () => {
    const password = new Password(SECRET);
    expect(Object.isFrozen(password)).toBe(true);
    expect(password.equals(new Password(SECRET))).toBe(true);
    expect(password.equals(new Password('other'))).toBe(false);
    expect(password.equals(SECRET)).toBe(false);
  });

  it('stays hidden inside parsed configs and config errors', () => {
    const def = new ConfigDef()
      .define('db.password', { type: 'PASSWORD', importance: 'HIGH', documentation: '' })
      .define('port', { type: 'INT', importance: 'HIGH', documentation: '' });
    const config = def.parse({ 'db.password': SECRET, port: '5432' });
    expect(JSON.stringify(config)).toBe('{"db.password":"[hidden]","port":5432}');
    expect(inspect(config)).not.toContain(SECRET);
    try {
      def.parse({ 'db.password': SECRET, port: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigException);
      expect(inspect(error)).not.toContain(SECRET);
    }
  });
});
