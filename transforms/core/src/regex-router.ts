import { ConfigDef, type ConnectRecord, DataException, type Transformation } from '@sluice/api';
import { VALID_REGEX } from './config-validators.js';
import { compileJavaRegex, javaReplacement } from './java-regex.js';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef()
  .define('regex', {
    type: 'STRING',
    validator: VALID_REGEX,
    importance: 'HIGH',
    documentation: 'Regular expression to use for matching.',
  })
  .define('replacement', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Replacement string.',
  });

/**
 * Renames the topic of records whose whole topic matches `regex`, replacing the first match with
 * `replacement` (`$1`, `${name}` refer to groups), as Kafka's `RegexRouter`.
 */
export class RegexRouter<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  private whole: RegExp = /$^/;
  private first: RegExp = /$^/;
  private replacer: (match: string, ...rest: unknown[]) => string = () => '';

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.whole = compileJavaRegex(config.regex, true);
    this.first = compileJavaRegex(config.regex);
    try {
      this.replacer = javaReplacement(config.replacement);
    } catch (error) {
      throw new DataException(`Invalid replacement: ${(error as Error).message}`);
    }
  }

  apply(record: R): R {
    if (!this.whole.test(record.topic)) return record;
    const topic = record.topic.replace(this.first, this.replacer);
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
