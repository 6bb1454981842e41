import { type ConnectorLogger, DataException, type TimestampType } from '@sluice/api';
import { type Document, Long } from 'mongodb';
import type { TopicSinkConfig } from './config.js';
import { projector } from './field-projection.js';
import { type IdStrategy, idStrategyOf } from './id-strategy.js';
import { isDocument } from './schema-mapping.js';
import type { SinkDocument } from './sink-document.js';

/** Changes one record's documents in place before its write model is made. */
export type PostProcessor = (doc: SinkDocument) => void;

const JAVA_TIMESTAMP_TYPES: Record<TimestampType, string> = {
  NoTimestampType: 'NO_TIMESTAMP_TYPE',
  CreateTime: 'CREATE_TIME',
  LogAppendTime: 'LOG_APPEND_TIME',
};

/** Removes null fields, in nested documents too (mongo-kafka's BsonDocumentNullValueRemover). */
export function removeNullValues(doc: Document): void {
  for (const [name, value] of Object.entries(doc)) {
    if (value === null) delete doc[name];
    else if (isDocument(value)) removeNullValues(value);
    else if (Array.isArray(value)) for (const v of value) if (isDocument(v)) removeNullValues(v);
  }
}

function renamer(rename: (path: string, name: string) => string): PostProcessor {
  const walk = (path: string, doc: Document) => {
    const renamed: Document = {};
    for (const [oldName, value] of Object.entries(doc)) {
      const newName = rename(path, oldName);
      if (newName !== oldName) {
        // The first field to get a name keeps it (mongo-kafka's computeIfAbsent).
        if (!(newName in doc) && !(newName in renamed)) renamed[newName] = value;
        delete doc[oldName];
      }
      if (isDocument(value)) walk(`${path}.${newName}`, value);
    }
    Object.assign(doc, renamed);
  };
  return (doc) => {
    const key = doc.keyDoc;
    if (key !== null) walk('key', key);
    const value = doc.valueDoc;
    if (value !== null) walk('value', value);
  };
}

/** A text or number time field as a date (`timeseries.timefield.auto.convert`); left as it is otherwise. */
function timeFieldConverter(field: string, log: ConnectorLogger): PostProcessor {
  return (doc) => {
    const value = doc.valueDoc;
    if (value === null || !(field in value)) return;
    const v = value[field] as unknown;
    let ms: number | null = null;
    if (typeof v === 'number' || typeof v === 'bigint') ms = Math.trunc(Number(v));
    else if (v instanceof Long) ms = v.toNumber();
    else if (typeof v === 'object' && v !== null && '_bsontype' in v && 'value' in v)
      ms = Math.trunc(Number((v as { value: unknown }).value));
    else if (typeof v === 'string') {
      const text = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v.replace(' ', 'T');
      const parsed = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
      ms = Number.isNaN(parsed) ? null : parsed;
    }
    if (ms === null || Number.isNaN(ms)) {
      log.info(
        { field },
        `Failed to convert field \`${field}\` to a valid date time, so leaving as is`,
      );
      return;
    }
    value[field] = new Date(ms);
  };
}

/** The post processor chain of a topic, in `post.processor.chain` order. */
export function postProcessorsOf(config: TopicSinkConfig, log: ConnectorLogger): PostProcessor[] {
  const idStrategy: IdStrategy = idStrategyOf(config);
  let warned = false;
  const chain: PostProcessor[] = config.postProcessors.map((name): PostProcessor => {
    switch (name) {
      case 'DocumentIdAdder':
        return (doc) => {
          const value = doc.valueDoc;
          if (value === null) return;
          if (!('_id' in value) || config.overwriteExistingId) value._id = idStrategy(doc);
          else if (!warned) {
            warned = true;
            log.info(
              { topic: config.topic },
              `Documents of topic ${config.topic} keep the _id their value has: document.id.strategy.overwrite.existing is false`,
            );
          }
        };
      case 'KafkaMetaAdder':
        return (doc) => {
          const value = doc.valueDoc;
          if (value === null) return;
          const r = doc.record;
          value['topic-partition-offset'] = `${r.topic}-${r.kafkaPartition}-${r.kafkaOffset}`;
          if (r.timestamp !== null)
            value[JAVA_TIMESTAMP_TYPES[r.timestampType]] = Long.fromNumber(r.timestamp);
        };
      case 'NullFieldValueRemover':
        return (doc) => {
          const value = doc.valueDoc;
          if (value !== null) removeNullValues(value);
        };
      case 'AllowListKeyProjector':
      case 'WhitelistKeyProjector':
      case 'BlockListKeyProjector':
      case 'BlacklistKeyProjector': {
        const allow = name.startsWith('Allow') || name.startsWith('White');
        const project = projector({
          type: allow ? 'allowlist' : 'blocklist',
          fields: config.keyProjection.fields,
        });
        return (doc) => {
          const key = doc.keyDoc;
          if (key !== null) project(key);
        };
      }
      case 'AllowListValueProjector':
      case 'WhitelistValueProjector':
      case 'BlockListValueProjector':
      case 'BlacklistValueProjector': {
        const allow = name.startsWith('Allow') || name.startsWith('White');
        const project = projector({
          type: allow ? 'allowlist' : 'blocklist',
          fields: config.valueProjection.fields,
        });
        return (doc) => {
          const value = doc.valueDoc;
          if (value !== null) project(value);
        };
      }
      case 'field.renaming.RenameByMapping': {
        const mappings = new Map(config.renameMappings.map((m) => [m.oldName, m.newName]));
        if (mappings.size === 0) return () => {};
        return renamer((path, name) => mappings.get(`${path}.${name}`) ?? name);
      }
      case 'field.renaming.RenameByRegExp': {
        const rules = config.renameRegExps;
        if (rules.length === 0) return () => {};
        return renamer((path, name) => {
          let renamed = name;
          for (const rule of rules) {
            if (rule.regexp.test(`${path}.${name}`))
              renamed = renamed.replace(rule.pattern, rule.replace);
          }
          return renamed;
        });
      }
      default:
        throw new DataException(`Unknown post processor ${name as string}`);
    }
  });
  if (config.timeseries?.autoConvert)
    chain.push(timeFieldConverter(config.timeseries.timeField, log));
  return chain;
}
