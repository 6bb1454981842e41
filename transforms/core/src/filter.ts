import { ConfigDef, type ConnectRecord, type Transformation } from '@sluice/api';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef();

/**
 * Drops every record (Kafka's `org.apache.kafka.connect.transforms.Filter`); use it with a
 * predicate to drop the records that match (or, negated, that do not).
 */
export class Filter<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  configure(_props: Record<string, unknown>): void {}

  apply(_record: R): R | null {
    return null;
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}
