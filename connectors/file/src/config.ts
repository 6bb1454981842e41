import { ConfigDef, MatchesPattern, NonEmptyString, Range } from '@sluice/api';
import { allowedFile } from './allowed-paths.js';

/** FileStreamSource's keys, with the names and defaults of Kafka's FileStreamSourceConnector. */
export const FILE_SOURCE_CONFIG_DEF = new ConfigDef()
  .define('file', {
    type: 'STRING',
    validator: [new NonEmptyString(), allowedFile],
    importance: 'HIGH',
    documentation:
      'The file to read, one record per line, in a folder the worker allows (SLUICE_FILE_ALLOWED_PATHS). Read from the start (or the committed position) and tailed: lines appended later are sent too.',
  })
  .define('topic', {
    type: 'STRING',
    validator: [new NonEmptyString(), MatchesPattern.of(/^[^,]*$/, 'a single topic name')],
    importance: 'HIGH',
    documentation: 'The topic to publish data to.',
  })
  .define('batch.size', {
    type: 'INT',
    default: 2000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation:
      'The maximum number of records the source task can read from the file each poll.',
  });

/** FileStreamSink's keys (`topics` / `topics.regex` are the runtime's). */
export const FILE_SINK_CONFIG_DEF = new ConfigDef().define('file', {
  type: 'STRING',
  default: null,
  validator: allowedFile,
  importance: 'HIGH',
  documentation:
    'The file to append records to, one value per line, in a folder the worker allows (SLUICE_FILE_ALLOWED_PATHS). Standard output when not set (as Kafka).',
});

/** The parsed source config. */
export interface FileSourceConfig {
  file: string;
  topic: string;
  batchSize: number;
}

/** The parsed sink config. */
export interface FileSinkConfig {
  file: string | null;
}

/** Parses a source connector or task config (throws a ConfigException listing every problem). */
export function parseFileSourceConfig(props: Record<string, string>): FileSourceConfig {
  const parsed = FILE_SOURCE_CONFIG_DEF.parse(props);
  return { file: parsed.file, topic: parsed.topic, batchSize: parsed['batch.size'] };
}

/** Parses a sink connector or task config. */
export function parseFileSinkConfig(props: Record<string, string>): FileSinkConfig {
  const parsed = FILE_SINK_CONFIG_DEF.parse(props);
  return { file: parsed.file ?? null };
}

/** The source partition key and offset key, as Kafka's FileStreamSourceTask writes them. */
export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';
