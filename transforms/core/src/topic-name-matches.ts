import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  NonEmptyString,
  type Predicate,
} from '@sluice/api';
import { VALID_REGEX } from './config-validators.js';
import { compileJavaRegex } from './java-regex.js';
import { PLUGIN_VERSION } from './plugin-version.js';

const CONFIG_DEF = new ConfigDef().define('pattern', {
  type: 'STRING',
  validator: [new NonEmptyString(), VALID_REGEX],
  importance: 'MEDIUM',
  documentation: "A Java regular expression for matching against the name of a record's topic.",
});

/** True for records whose whole topic name matches `pattern` (Kafka's `TopicNameMatches`). */
export class TopicNameMatches<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  private pattern: RegExp = /$^/;

  configure(props: Record<string, unknown>): void {
    const value = CONFIG_DEF.parse(props).pattern;
    try {
      this.pattern = compileJavaRegex(value, true);
    } catch (error) {
      throw ConfigException.invalid(
        'pattern',
        value,
        `entry must be a Java-compatible regular expression: ${(error as Error).message}`,
      );
    }
  }

  test(record: R): boolean {
    return record.topic !== null && this.pattern.test(record.topic);
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}

  toString(): string {
    return `TopicNameMatches{pattern=${this.pattern.source}}`;
  }
}
