import { type ConfigDef, Range, ValidString } from '@sluice/api';

const EVENTS_GROUP = 'Events';
const TYPES_GROUP = 'Data types';
const DELIVERY_GROUP = 'Delivery';

export const DECIMAL_HANDLING_MODES = ['precise', 'double', 'string'];
export const TIME_PRECISION_MODES = [
  'adaptive',
  'adaptive_time_microseconds',
  'connect',
  'isostring',
  'microseconds',
  'nanoseconds',
];
export const BINARY_HANDLING_MODES = ['bytes', 'base64', 'base64-url-safe', 'hex'];

/** What events look like (topics, envelope, type mapping) and how they are delivered. */
export function defineEventKeys<C extends object>(def: ConfigDef<C>) {
  return def
    .define('topic.prefix', {
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'The logical name of the server: topics are `<prefix>.<schema>.<table>`, schemas are named after it, and it is the source partition (`{"server": "<prefix>"}`).',
      group: EVENTS_GROUP,
      orderInGroup: 1,
    })
    .define('tombstones.on.delete', {
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      documentation:
        'Follow each delete event with a tombstone (same key, null value), so compacted topics forget the row.',
      group: EVENTS_GROUP,
      orderInGroup: 2,
    })
    .define('provide.transaction.metadata', {
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation:
        'Fill each event’s `transaction` block and write BEGIN and END records of every transaction to `<prefix>.transaction`.',
      group: EVENTS_GROUP,
      orderInGroup: 3,
    })
    .define('extended.headers.enabled', {
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation:
        'Add Debezium 3’s context headers to every change event: `__debezium.context.connectorLogicalName` (the topic prefix), `__debezium.context.taskId`, `__debezium.context.connectorName` (`postgresql`) and `__debezium.context.runId` (a UUID per task start).',
      group: EVENTS_GROUP,
      orderInGroup: 4,
    })
    .define('heartbeat.interval.ms', {
      type: 'INT',
      default: 0,
      validator: Range.atLeast(0),
      importance: 'MEDIUM',
      documentation:
        'Every this many milliseconds, write a heartbeat record (to `<heartbeat.topics.prefix>.<prefix>`) carrying the current position, so offsets and the slot move on even when no captured table changes. 0: no heartbeats.',
      group: EVENTS_GROUP,
      orderInGroup: 4,
    })
    .define('heartbeat.topics.prefix', {
      type: 'STRING',
      default: '__debezium-heartbeat',
      importance: 'LOW',
      documentation: 'Prefix of the heartbeat topic.',
      group: EVENTS_GROUP,
      orderInGroup: 5,
    })
    .define('heartbeat.action.query', {
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation:
        'A statement run at every heartbeat (for example an insert into a captured heartbeat table), so the slot sees WAL of this database even when it is idle.',
      group: EVENTS_GROUP,
      orderInGroup: 6,
    })
    .define('decimal.handling.mode', {
      type: 'STRING',
      default: 'precise',
      validator: ValidString.in(...DECIMAL_HANDLING_MODES),
      importance: 'MEDIUM',
      documentation:
        '`precise`: numeric and money as Connect Decimals (unconstrained numeric as `io.debezium.data.VariableScaleDecimal`). `double`: FLOAT64 (may round). `string`: their text.',
      group: TYPES_GROUP,
      orderInGroup: 1,
    })
    .define('time.precision.mode', {
      type: 'STRING',
      default: 'adaptive',
      validator: ValidString.in(...TIME_PRECISION_MODES),
      importance: 'MEDIUM',
      documentation:
        'How date, time and timestamp columns are represented (see "Type mapping"): `adaptive` by the column precision, `adaptive_time_microseconds`, `connect` (Connect logical types, milliseconds), `isostring`, `microseconds`, `nanoseconds`.',
      group: TYPES_GROUP,
      orderInGroup: 2,
    })
    .define('binary.handling.mode', {
      type: 'STRING',
      default: 'bytes',
      validator: ValidString.in(...BINARY_HANDLING_MODES),
      importance: 'LOW',
      documentation: '`bytes`, `base64`, `base64-url-safe` or `hex` for bytea columns.',
      group: TYPES_GROUP,
      orderInGroup: 3,
    })
    .define('hstore.handling.mode', {
      type: 'STRING',
      default: 'json',
      validator: ValidString.in('json', 'map'),
      importance: 'LOW',
      documentation: '`json`: hstore values as a JSON object text. `map`: a MAP of strings.',
      group: TYPES_GROUP,
      orderInGroup: 4,
    })
    .define('interval.handling.mode', {
      type: 'STRING',
      default: 'numeric',
      validator: ValidString.in('numeric', 'string'),
      importance: 'LOW',
      documentation:
        '`numeric`: approximate microseconds (`io.debezium.time.MicroDuration`). `string`: ISO 8601 (`io.debezium.time.Interval`).',
      group: TYPES_GROUP,
      orderInGroup: 5,
    })
    .define('money.fraction.digits', {
      type: 'INT',
      default: 2,
      validator: Range.atLeast(0),
      importance: 'LOW',
      documentation: 'Scale of money values in `precise` mode.',
      group: TYPES_GROUP,
      orderInGroup: 6,
    })
    .define('unavailable.value.placeholder', {
      type: 'STRING',
      default: '__debezium_unavailable_value',
      importance: 'LOW',
      documentation:
        'Stands for a TOASTed value that did not change and that the server therefore did not send (an update of a table without `REPLICA IDENTITY FULL`). Bytes columns get its UTF-8 bytes.',
      group: TYPES_GROUP,
      orderInGroup: 7,
    })
    .define('max.batch.size', {
      type: 'INT',
      default: 2048,
      validator: Range.atLeast(1),
      importance: 'MEDIUM',
      documentation: 'Most records returned by one poll.',
      group: DELIVERY_GROUP,
      orderInGroup: 1,
    })
    .define('max.queue.size', {
      type: 'INT',
      default: 8192,
      validator: Range.atLeast(1),
      importance: 'MEDIUM',
      documentation:
        'Most change messages read ahead of the runtime. When it is full the connector stops reading the replication stream (the server waits); must be larger than `max.batch.size`.',
      group: DELIVERY_GROUP,
      orderInGroup: 2,
    })
    .define('poll.interval.ms', {
      type: 'LONG',
      default: 500,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Longest a poll waits for new changes before returning nothing.',
      group: DELIVERY_GROUP,
      orderInGroup: 3,
    });
}
