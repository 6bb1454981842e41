import type { ConfigDef } from '@sluice/api';

const COMPATIBILITY_GROUP = 'Debezium compatibility';

/**
 * Debezium keys Sluice accepts only at Debezium's default value (so copied configs that spell the
 * default out still run), with why other values are refused.
 */
const FIXED: readonly [key: string, value: string, why: string][] = [
  ['topic.delimiter', '.', 'topics are always <prefix>.<schema>.<table>'],
  ['topic.transaction', 'transaction', 'the transaction topic is always <prefix>.transaction'],
  [
    'include.unknown.datatypes',
    'false',
    'a column of a type Sluice cannot map fails the task naming it',
  ],
  ['include.schema.comments', 'false', 'column comments are not put in schemas'],
  ['schema.name.adjustment.mode', 'none', 'schema names are used as they are'],
  ['field.name.adjustment.mode', 'none', 'field names are the column names'],
  ['signal.enabled.channels', 'source', 'signals are read from the signal table only'],
  ['publish.via.partition.root', 'false', 'partitions are captured as their own tables'],
  [
    'event.processing.failure.handling.mode',
    'fail',
    'a change that cannot be converted fails the task',
  ],
];

/**
 * Debezium PostgreSQL connector keys Sluice does not support: refused by name, with the reason,
 * so a copied config fails at once instead of silently behaving differently.
 */
const UNSUPPORTED: readonly [key: string, why: string][] = [
  ['database.server.name', 'Debezium 2.0 replaced it with topic.prefix; set topic.prefix.'],
  ['database.initial.statements', 'not supported.'],
  ['database.sslcert', 'client certificates are not supported.'],
  ['database.sslkey', 'client certificates are not supported.'],
  ['database.sslpassword', 'client certificates are not supported.'],
  ['database.sslrootcert', 'custom root certificates are not supported (the system CAs are used).'],
  ['database.sslfactory', 'a Java class; not supported.'],
  ['database.tcpKeepAlive', 'TCP keep-alive is always on.'],
  ['snapshot.select.statement.overrides', 'snapshots read whole tables (SELECT *).'],
  ['snapshot.include.collection.list', 'snapshots read every captured table.'],
  ['snapshot.custom.class', 'custom snapshotters are Java classes; not supported.'],
  ['snapshot.mode.custom.name', 'custom snapshotters are Java classes; not supported.'],
  [
    'snapshot.locking.mode',
    'snapshots read from the slot’s exported snapshot without table locks.',
  ],
  ['snapshot.query.mode', 'snapshots read whole tables (SELECT *).'],
  [
    'snapshot.isolation.mode',
    'snapshots always read the slot’s exported snapshot (REPEATABLE READ).',
  ],
  ['snapshot.max.threads', 'tables are copied one after the other.'],
  ['snapshot.delay.ms', 'not supported.'],
  ['snapshot.lock.timeout.ms', 'snapshots take no table locks.'],
  ['slot.stream.params', 'the stream options are fixed (proto_version 1, publication_names).'],
  ['slot.failover', 'not supported.'],
  ['xmin.fetch.interval.ms', 'the source block’s xmin is always null.'],
  ['message.prefix.include.list', 'logical decoding messages are not emitted.'],
  ['message.prefix.exclude.list', 'logical decoding messages are not emitted.'],
  ['converters', 'custom converters are Java classes; not supported.'],
  ['column.propagate.source.type', 'not supported.'],
  ['datatype.propagate.source.type', 'not supported.'],
  ['topic.naming.strategy', 'topics are always <prefix>.<schema>.<table>.'],
  ['transaction.metadata.factory', 'not supported.'],
  ['read.only', 'incremental snapshots need the signal table (watermarks are written to it).'],
  [
    'incremental.snapshot.watermarking.strategy',
    'watermarks are always inserted into the signal table.',
  ],
  ['incremental.snapshot.allow.schema.changes', 'not supported.'],
  ['notification.enabled.channels', 'notifications are logged only.'],
  ['max.queue.size.in.bytes', 'the queue is bounded by max.queue.size messages.'],
  ['lsn.flush.timeout.ms', 'the slot is confirmed asynchronously on the replication stream.'],
  ['lsn.flush.timeout.action', 'the slot is confirmed asynchronously on the replication stream.'],
  ['flush.lsn.source', 'the slot is always confirmed after Kafka committed the records.'],
  ['custom.metric.tags', 'not supported.'],
];

/** Adds Debezium's fixed-value and unsupported keys. */
export function defineUnsupportedKeys<C extends object>(def: ConfigDef<C>) {
  let out = def;
  let order = 1;
  for (const [key, value, why] of FIXED) {
    out = out.define(key, {
      type: 'STRING',
      default: value,
      validator: (v: unknown) =>
        String(v).toLowerCase() === value
          ? undefined
          : `only Debezium's default ${value} is supported: ${why}`,
      importance: 'LOW',
      documentation: `Accepted at Debezium's default \`${value}\` only: ${why}.`,
      group: COMPATIBILITY_GROUP,
      orderInGroup: order++,
    }) as unknown as ConfigDef<C>;
  }
  for (const [key, why] of UNSUPPORTED) out = out.defineUnsupported(key, why);
  return out;
}
