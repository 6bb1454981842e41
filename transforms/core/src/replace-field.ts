import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@sluice/api';
import { REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { splitLikeJava } from './java-split.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireStruct } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { copySchemaBasics } from './schema-copy.js';
import { MapDraft } from './schemaless-map.js';

const PURPOSE = 'field replacement';

/** Parses `old:new` pairs; throws a ConfigException naming `renames` on a malformed pair. */
function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = splitLikeJava(mapping, ':');
    if (parts.length !== 2) {
      throw ConfigException.invalid('renames', mappings, `Invalid rename mapping: ${mapping}`);
    }
    renames.set(parts[0] as string, parts[1] as string);
  }
  return renames;
}

const CONFIG_DEF = new ConfigDef()
  .define('exclude', {
    type: 'LIST',
    default: [],
    importance: 'MEDIUM',
    documentation: 'Fields to exclude. This takes precedence over the fields to include.',
  })
  .define('include', {
    type: 'LIST',
    default: [],
    importance: 'MEDIUM',
    documentation: 'Fields to include. If specified, only these fields will be used.',
  })
  .define('renames', {
    type: 'LIST',
    default: [],
    validator: {
      ensureValid: (_name: string, value: unknown) => {
        parseRenameMappings(value as string[]);
      },
      toString: () => 'list of colon-delimited pairs, e.g. `foo:bar,abc:xyz`',
    },
    importance: 'MEDIUM',
    documentation: 'Field rename mappings.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** Drops (`exclude`), keeps (`include`) and renames fields of the key or value (Kafka's `ReplaceField`). */
export abstract class ReplaceField<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();
  private reverseRenames = new Map<string, string>();
  private replaceNullWithDefault = true;
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.exclude = new Set(config.exclude);
    this.include = new Set(config.include);
    this.renames = parseRenameMappings(config.renames);
    this.reverseRenames = new Map([...this.renames].map(([from, to]) => [to, from]));
    this.replaceNullWithDefault = config['replace.null.with.default'];
    this.cache.clear();
  }

  private keeps(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply(record: R): R {
    const value = this.part.value(record);
    if (value === null) return record;
    if (this.part.schema(record) === null) {
      const map = requireMap(value, PURPOSE);
      const updated = MapDraft.empty(map);
      if (map instanceof Map) {
        for (const [key, entry] of map) {
          const name = String(key);
          if (this.keeps(name)) updated.set(this.renamed(name), entry);
        }
      } else {
        for (const name of Object.keys(map)) {
          if (this.keeps(name)) updated.set(this.renamed(name), map[name]);
        }
      }
      return this.part.update(record, null, updated.build());
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.cache.get(struct.schema, (schema) => this.makeUpdatedSchema(schema));
    // Each value comes from a field of the same schema in the input struct: already valid.
    const values = updatedSchema.fields.map((field) => {
      const source = this.reverseRenames.get(field.name) ?? field.name;
      return (
        (this.replaceNullWithDefault ? struct.get(source) : struct.getWithoutDefault(source)) ??
        null
      );
    });
    return this.part.update(record, updatedSchema, Struct.fromTrustedValues(updatedSchema, values));
  }

  private makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) {
      if (this.keeps(field.name)) builder.field(this.renamed(field.name), field.schema);
    }
    return builder.build();
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {
    this.cache.clear();
  }
}

/** {@link ReplaceField} on the key (`org.apache.kafka.connect.transforms.ReplaceField$Key`). */
export class ReplaceFieldKey<R extends ConnectRecord = ConnectRecord> extends ReplaceField<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link ReplaceField} on the value (`org.apache.kafka.connect.transforms.ReplaceField$Value`). */
export class ReplaceFieldValue<R extends ConnectRecord = ConnectRecord> extends ReplaceField<R> {
  constructor() {
    super(VALUE);
  }
}
