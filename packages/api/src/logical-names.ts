/** The name of Kafka Connect's Decimal logical type (BYTES with a `scale` parameter). */
export const DECIMAL_LOGICAL_NAME = 'org.apache.kafka.connect.data.Decimal';
/** The schema parameter holding a Decimal's scale. */
export const DECIMAL_SCALE_FIELD = 'scale';
/** The name of Kafka Connect's Date logical type (INT32 days since the epoch). */
export const DATE_LOGICAL_NAME = 'org.apache.kafka.connect.data.Date';
/** The name of Kafka Connect's Time logical type (INT32 milliseconds since midnight). */
export const TIME_LOGICAL_NAME = 'org.apache.kafka.connect.data.Time';
/** The name of Kafka Connect's Timestamp logical type (INT64 milliseconds since the epoch). */
export const TIMESTAMP_LOGICAL_NAME = 'org.apache.kafka.connect.data.Timestamp';

/** Milliseconds in one day. */
export const MILLIS_PER_DAY = 86_400_000;
