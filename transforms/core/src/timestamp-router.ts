import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  DataException,
  type Transformation,
} from '@sluice/api';
import { PLUGIN_VERSION } from './plugin-version.js';
import { SimpleDateFormat } from './simple-date-format.js';

const CONFIG_DEF = new ConfigDef()
  .define('topic.format', {
    type: 'STRING',
    default: '${topic}-${timestamp}',
    importance: 'HIGH',
    documentation:
      'Format string which can contain `${topic}` and `${timestamp}` as placeholders for the topic and timestamp, respectively.',
  })
  .define('timestamp.format', {
    type: 'STRING',
    default: 'yyyyMMdd',
    importance: 'HIGH',
    documentation:
      'Format string for the timestamp that is compatible with `java.text.SimpleDateFormat`.',
  });

/**
 * Renames the topic from the original topic and the record timestamp (UTC), as Kafka's
 * `TimestampRouter`: `${topic}-${timestamp}` with `yyyyMMdd` by default.
 */
export class TimestampRouter<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  private topicFormat = '';
  private timestampFormat = new SimpleDateFormat('yyyyMMdd');

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.topicFormat = config['topic.format'];
    try {
      this.timestampFormat = new SimpleDateFormat(config['timestamp.format']);
    } catch (error) {
      throw ConfigException.invalid(
        'timestamp.format',
        config['timestamp.format'],
        (error as Error).message,
      );
    }
  }

  apply(record: R): R {
    if (record.timestamp === null) {
      throw new DataException(`Timestamp missing on record: ${String(record)}`, { record });
    }
    const formatted = this.timestampFormat.format(record.timestamp);
    const topic = this.topicFormat
      .replaceAll('${topic}', record.topic)
      .replaceAll('${timestamp}', formatted);
    return record.newRecord({ topic });
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}
