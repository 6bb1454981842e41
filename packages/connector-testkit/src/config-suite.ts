import { readFileSync } from 'node:fs';
import type { ConfigDef } from '@sluice/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorUnderTest, KitWorker } from './kit-worker.js';

/** A connector's config, as the config cases need it. */
export interface ConfigFixture extends ConnectorUnderTest {
  /** The connector's ConfigDef (`new MyConnector().config()`). */
  readonly configDef: ConfigDef<object>;
  /** A config the connector accepts (without `name` and `connector.class`). */
  readonly validConfig: () => Record<string, string> | Promise<Record<string, string>>;
  /** The package README, where every key must appear (as `` `key` ``). */
  readonly readme?: string;
}

/** Types whose values a word such as `not-a-value` can never be. */
const TYPED = new Set(['BOOLEAN', 'INT', 'SHORT', 'LONG', 'DOUBLE']);

/**
 * Checks a connector's configuration through the real runtime: every key is documented (and in
 * the README), a valid config passes validation, and a bad value of every typed key and a
 * missing required key are refused with a problem naming that key.
 */
export function testConnectorConfig(name: string, fixture: ConfigFixture): void {
  describe(`${name}: configuration (connector test kit)`, () => {
    let worker: KitWorker;
    let valid: Record<string, string>;
    const keys = [...fixture.configDef.configKeys().values()].filter((k) => !k.internal);

    beforeAll(async () => {
      worker = await KitWorker.start(fixture);
      valid = await fixture.validConfig();
    });
    afterAll(async () => {
      await worker?.stop();
      await worker?.remove();
    });

    const validate = (config: Record<string, string>) =>
      worker.herder.validateConnectorConfig({
        ...config,
        name: 'config-check',
        'connector.class': fixture.connectorClass,
      });

    it('documents every key', () => {
      expect(keys.filter((k) => k.documentation.trim() === '').map((k) => k.name)).toEqual([]);
      if (fixture.readme !== undefined) {
        const readme = readFileSync(fixture.readme, 'utf8');
        expect(keys.filter((k) => !readme.includes(`\`${k.name}\``)).map((k) => k.name)).toEqual(
          [],
        );
      }
    });

    it('accepts its valid config', async () => {
      expect(await validate(valid)).toEqual([]);
    });

    it('refuses a bad value of every typed key and a missing required key, naming the key', async () => {
      const unnamed: string[] = [];
      for (const key of keys) {
        let config: Record<string, string> | null = null;
        if (TYPED.has(key.type)) config = { ...valid, [key.name]: 'not-a-value' };
        else if (!key.hasDefault && key.name in valid) {
          const { [key.name]: _dropped, ...rest } = valid;
          config = rest;
        }
        if (config === null) continue;
        const problems = await validate(config);
        if (!problems.some((p) => p.key === key.name)) unnamed.push(key.name);
      }
      expect(unnamed, 'keys whose bad or missing value was not refused by name').toEqual([]);
    });
  });
}
