import { ConfigDef, ConnectHeaders, type ConnectRecord, type Transformation } from '@sluice/api';
import { NON_EMPTY_LIST } from './config-validators.js';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef().define('headers', {
  type: 'LIST',
  validator: NON_EMPTY_LIST,
  importance: 'HIGH',
  documentation: 'The name of the headers to be removed.',
});

/** Removes every header with one of the configured names (Kafka's `DropHeaders`). */
export class DropHeaders<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  private headers = new Set<string>();

  configure(props: Record<string, unknown>): void {
    this.headers = new Set(CONFIG_DEF.parse(props).headers);
  }

  apply(record: R): R {
    const kept = new ConnectHeaders();
    for (const header of record.headers) {
      if (!this.headers.has(header.key)) kept.add(header);
    }
    return record.newRecord({ headers: kept });
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}
