/** The pipeline stages an error can happen in, with Kafka Connect's names. */
export type Stage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'TASK_PUT'
  | 'TASK_POLL'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

/** Stages whose failures `errors.tolerance=all` may skip; elsewhere only retriable errors are retried. */
export const TOLERABLE_STAGES: ReadonlySet<Stage> = new Set([
  'TRANSFORMATION',
  'HEADER_CONVERTER',
  'KEY_CONVERTER',
  'VALUE_CONVERTER',
]);
