import { ConfigDef, type ConnectRecord, type Predicate } from '@sluice/api';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef();

/** True for tombstones: records whose value is null (Kafka's `RecordIsTombstone`). */
export class RecordIsTombstone<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  configure(_props: Record<string, unknown>): void {}

  test(record: R): boolean {
    return record.value === null;
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}

  toString(): string {
    return 'RecordIsTombstone{}';
  }
}
