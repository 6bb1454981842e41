import {
  ConfigDef,
  type ConnectRecord,
  type SchemaAndValue,
  type Transformation,
} from '@sluice/api';
import { parseLiteral } from './literal-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef()
  .define('header', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the header.',
  })
  .define('value.literal', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
  });

/**
 * Adds a header with a fixed value to every record (Kafka's `InsertHeader`); the literal's type is
 * inferred as Kafka's `Values.parseString` does (`42` is INT8, `true` BOOLEAN, text a STRING).
 */
export class InsertHeader<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  private header = '';
  private literal: SchemaAndValue = { schema: null, value: null };

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.header = config.header;
    this.literal = parseLiteral(config['value.literal']);
  }

  apply(record: R): R {
    const headers = record.headers.duplicate();
    headers.add(this.header, this.literal.value, this.literal.schema);
    return record.newRecord({ headers });
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}
