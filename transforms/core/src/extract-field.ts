import {
  ConfigDef,
  type ConnectRecord,
  DataException,
  type Transformation,
  ValidString,
} from '@sluice/api';
import {
  FIELD_SYNTAX_VERSION_DOC,
  parseFieldSyntaxVersion,
  SingleFieldPath,
} from './field-path.js';
import { REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMapOrNull, requireStructOrNull } from './requirements.js';

const PURPOSE = 'field extraction';

const CONFIG_DEF = new ConfigDef()
  .define('field', {
    type: 'STRING',
    importance: 'MEDIUM',
    documentation: 'Field name to extract.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  })
  .define('field.syntax.version', {
    type: 'STRING',
    default: 'V1',
    validator: ValidString.caseInsensitive('V1', 'V2'),
    importance: 'HIGH',
    documentation: FIELD_SYNTAX_VERSION_DOC,
  });

/**
 * Replaces the key or value with one of its fields (a Struct field with schemas, a map entry
 * without), as Kafka's `ExtractField`; nested paths with `field.syntax.version=V2`. Null passes
 * through.
 */
export abstract class ExtractField<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private path = new SingleFieldPath('', 'V1');
  private replaceNullWithDefault = true;

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.path = new SingleFieldPath(
      config.field,
      parseFieldSyntaxVersion(config['field.syntax.version']),
    );
    this.replaceNullWithDefault = config['replace.null.with.default'];
  }

  apply(record: R): R {
    const schema = this.part.schema(record);
    if (schema === null) {
      const map = requireMapOrNull(this.part.value(record), PURPOSE);
      return this.part.update(record, null, map === null ? null : this.path.valueFromMap(map));
    }
    const struct = requireStructOrNull(this.part.value(record), PURPOSE);
    const field = this.path.fieldFrom(schema);
    if (field === undefined) {
      throw new DataException(`Unknown field: ${this.path.text}`, { record });
    }
    const value =
      struct === null ? null : this.path.valueFromStruct(struct, this.replaceNullWithDefault);
    return this.part.update(record, field.schema, value);
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}

/** {@link ExtractField} on the record key (`org.apache.kafka.connect.transforms.ExtractField$Key`). */
export class ExtractFieldKey<R extends ConnectRecord = ConnectRecord> extends ExtractField<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link ExtractField} on the record value (`org.apache.kafka.connect.transforms.ExtractField$Value`). */
export class ExtractFieldValue<R extends ConnectRecord = ConnectRecord> extends ExtractField<R> {
  constructor() {
    super(VALUE);
  }
}
