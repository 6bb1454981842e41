import { ConfigDef, type ConnectRecord, NonEmptyString, type Predicate } from '@sluice/api';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef().define('name', {
  type: 'STRING',
  validator: [new NonEmptyString()],
  importance: 'MEDIUM',
  documentation: 'The header name.',
});

/** True for records with at least one header named `name` (Kafka's `HasHeaderKey`). */
export class HasHeaderKey<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  private name = '';

  configure(props: Record<string, unknown>): void {
    this.name = CONFIG_DEF.parse(props).name;
  }

  test(record: R): boolean {
    return record.headers.lastWithName(this.name) !== null;
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}

  toString(): string {
    return `HasHeaderKey{name='${this.name}'}`;
  }
}
