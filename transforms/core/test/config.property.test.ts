import { readFileSync } from 'node:fs';
import { ConnectException, type ConnectRecord, parsePluginManifest } from '@sluice/api';
import { schemaWithValue } from '@sluice/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as exported from '../src/index.js';
import { sinkRecord } from './records.js';

// Bounded so the file runs in a few seconds on CI; a failure prints its seed to replay.
const RUNS = { numRuns: 60 };

const manifest = parsePluginManifest(
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as unknown,
  '@sluice/transforms',
);

interface Plugin {
  config(): { names(): Iterable<string> };
  configure(props: Record<string, unknown>): void;
  apply?(record: ConnectRecord): ConnectRecord | null;
  test?(record: ConnectRecord): boolean;
  close(): void;
}

/** Values a user might write, right or wrong, for any key. */
const plausible = fc.oneof(
  fc.constantFrom(
    '',
    'a',
    'a,b',
    'a.b',
    'a:int32',
    'a:string,b:float64',
    'int64',
    'string',
    'unix',
    'yyyy-MM-dd',
    '(.*)',
    '[',
    '$1',
    'true',
    'false',
    '0',
    '-1',
    '99999999999999999999',
    'null',
    '{"a":1}',
    'value',
    'key',
    'permissive',
    '.',
    '\\',
  ),
  fc.string({ maxLength: 12 }),
);

/** A Kafka Connect exception (a clear error), not a crash of the code. */
function expectConnectError(error: unknown): void {
  expect(error, String((error as Error)?.stack)).toBeInstanceOf(ConnectException);
}

describe('transform and predicate configs', () => {
  for (const plugin of manifest.plugins) {
    const Plugin = (exported as unknown as Record<string, new () => Plugin>)[plugin.exportName];
    if (Plugin === undefined) continue;
    it(`${plugin.name}: random configs are accepted or refused with a ConfigException, and records then transform or fail with a Connect exception`, () => {
      const keys = [...new Plugin().config().names()];
      fc.assert(
        fc.property(
          fc.dictionary(fc.constantFrom(...keys, 'unknown.key'), plausible, {
            maxKeys: keys.length + 1,
          }),
          fc.array(schemaWithValue(2), { maxLength: 3 }),
          (config, values) => {
            const instance = new Plugin();
            try {
              instance.configure(config);
            } catch (error) {
              expectConnectError(error);
              return;
            }
            for (const { schema, value } of values) {
              const record = sinkRecord({
                valueSchema: schema,
                value,
                keySchema: schema,
                key: value,
              });
              try {
                if (instance.apply) instance.apply(record);
                else instance.test?.(record);
              } catch (error) {
                expectConnectError(error);
              }
            }
            instance.close();
          },
        ),
        RUNS,
      );
    });
  }
});
