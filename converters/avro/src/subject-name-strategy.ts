import { DataException } from '@sluice/api';

/** The subject name strategies, by their short names (Confluent's class simple names). */
export type SubjectNameStrategy =
  | 'TopicNameStrategy'
  | 'RecordNameStrategy'
  | 'TopicRecordNameStrategy';

/** Every strategy name, short form. */
export const SUBJECT_NAME_STRATEGY_NAMES: readonly SubjectNameStrategy[] = Object.freeze([
  'TopicNameStrategy',
  'RecordNameStrategy',
  'TopicRecordNameStrategy',
]);

const CONFLUENT_PACKAGE = 'io.confluent.kafka.serializers.subject.';

/**
 * The strategy named by a config value: the short name or Confluent's class name
 * (`io.confluent.kafka.serializers.subject.TopicNameStrategy`). Throws an Error naming the
 * accepted values otherwise.
 */
export function parseSubjectNameStrategy(value: string): SubjectNameStrategy {
  const name = value.trim();
  const short = name.startsWith(CONFLUENT_PACKAGE) ? name.slice(CONFLUENT_PACKAGE.length) : name;
  if ((SUBJECT_NAME_STRATEGY_NAMES as readonly string[]).includes(short)) {
    return short as SubjectNameStrategy;
  }
  throw new Error(
    `unknown subject name strategy ${value}; use one of ${SUBJECT_NAME_STRATEGY_NAMES.join(', ')} (or its ${CONFLUENT_PACKAGE}* class name)`,
  );
}

/** True when the strategy needs the record's name (so the subject depends on the schema). */
export function strategyUsesSchema(strategy: SubjectNameStrategy): boolean {
  return strategy !== 'TopicNameStrategy';
}

/**
 * The subject a schema is registered under, as Confluent's strategies compute it:
 * `<topic>-key|value`, `<record full name>`, or `<topic>-<record full name>`. `recordName` is the
 * full name of the Avro record, or null when the schema is not a record (the record strategies
 * then refuse it, as Confluent's do).
 */
export function subjectName(
  strategy: SubjectNameStrategy,
  topic: string,
  isKey: boolean,
  recordName: string | null,
): string {
  if (strategy === 'TopicNameStrategy') return `${topic}-${isKey ? 'key' : 'value'}`;
  if (recordName === null) {
    throw new DataException(
      `In configuration ${isKey ? 'key' : 'value'}.subject.name.strategy = ${CONFLUENT_PACKAGE}${strategy}, the message ${isKey ? 'key' : 'value'} must only be a record schema`,
    );
  }
  return strategy === 'RecordNameStrategy' ? recordName : `${topic}-${recordName}`;
}
