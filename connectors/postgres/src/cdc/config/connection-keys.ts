import { type ConfigDef, Range, ValidString } from '@sluice/api';

const DATABASE_GROUP = 'Database';
const REPLICATION_GROUP = 'Replication';

/** Debezium's `publication.autocreate.mode` values. */
export const PUBLICATION_AUTOCREATE_MODES = ['all_tables', 'disabled', 'filtered', 'no_tables'];

/** Where and how to connect: Debezium's `database.*` keys and the replication slot and publication. */
export function defineConnectionKeys<C extends object>(def: ConfigDef<C>) {
  return def
    .define('database.hostname', {
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Host name or address of the PostgreSQL server.',
      group: DATABASE_GROUP,
      orderInGroup: 1,
    })
    .define('database.port', {
      type: 'INT',
      default: 5432,
      validator: Range.between(1, 65535),
      importance: 'HIGH',
      documentation: 'Port of the PostgreSQL server.',
      group: DATABASE_GROUP,
      orderInGroup: 2,
    })
    .define('database.user', {
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'User to connect as. It needs the `REPLICATION` attribute (or superuser), `CONNECT` and `SELECT` on the captured tables, and ownership of them for a publication created by the connector (see "What to grant").',
      group: DATABASE_GROUP,
      orderInGroup: 3,
    })
    .define('database.password', {
      type: 'PASSWORD',
      default: null,
      importance: 'HIGH',
      documentation: 'Password of that user.',
      group: DATABASE_GROUP,
      orderInGroup: 4,
    })
    .define('database.dbname', {
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The database to capture changes from.',
      group: DATABASE_GROUP,
      orderInGroup: 5,
    })
    .define('database.sslmode', {
      type: 'STRING',
      default: 'prefer',
      validator: ValidString.in(
        'disable',
        'allow',
        'prefer',
        'require',
        'verify-ca',
        'verify-full',
      ),
      importance: 'MEDIUM',
      documentation:
        '`disable`: plain connections. `prefer` (default) and `allow` connect without TLS here (Sluice does not retry the other way). `require`: TLS without checking the certificate. `verify-ca` / `verify-full`: TLS with the certificate checked against the system CAs (and the host name for `verify-full`).',
      group: DATABASE_GROUP,
      orderInGroup: 6,
    })
    .define('database.connect.timeout.ms', {
      type: 'LONG',
      default: 30000,
      validator: Range.atLeast(0),
      importance: 'LOW',
      documentation: 'How long to wait for a connection before giving up (0: no limit).',
      group: DATABASE_GROUP,
      orderInGroup: 7,
    })
    .define('plugin.name', {
      type: 'STRING',
      default: 'pgoutput',
      validator: ValidString.in('pgoutput'),
      importance: 'MEDIUM',
      documentation:
        'The logical decoding plugin. Only `pgoutput`, built into PostgreSQL 10 and later, is supported.',
      group: REPLICATION_GROUP,
      orderInGroup: 1,
    })
    .define('slot.name', {
      type: 'STRING',
      default: 'debezium',
      importance: 'MEDIUM',
      documentation:
        'The logical replication slot the connector reads from (created when missing). One connector per slot: the slot remembers how far the connector confirmed.',
      group: REPLICATION_GROUP,
      orderInGroup: 2,
    })
    .define('slot.drop.on.stop', {
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation:
        'Drop the slot when the task stops (for tests and short-lived setups: a restarted connector then starts from its stored offset with changes in between lost).',
      group: REPLICATION_GROUP,
      orderInGroup: 3,
    })
    .define('publication.name', {
      type: 'STRING',
      default: 'dbz_publication',
      importance: 'MEDIUM',
      documentation: 'The publication that lists the captured tables for pgoutput.',
      group: REPLICATION_GROUP,
      orderInGroup: 4,
    })
    .define('publication.autocreate.mode', {
      type: 'STRING',
      default: 'all_tables',
      validator: ValidString.in(...PUBLICATION_AUTOCREATE_MODES),
      importance: 'LOW',
      documentation:
        'When the publication is missing: `all_tables` creates it `FOR ALL TABLES` (needs superuser), `filtered` creates it for the captured tables and keeps its table list in step with the filters at every start, `no_tables` creates it empty, `disabled` fails the connector.',
      group: REPLICATION_GROUP,
      orderInGroup: 5,
    })
    .define('slot.max.retries', {
      type: 'INT',
      default: 6,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation:
        'How many times to wait for the slot when another connection still holds it (a connector killed a moment ago whose server process has not noticed yet), before failing.',
      group: REPLICATION_GROUP,
      orderInGroup: 6,
    })
    .define('slot.retry.delay.ms', {
      type: 'LONG',
      default: 10000,
      validator: Range.atLeast(0),
      importance: 'LOW',
      documentation: 'Wait between those attempts, in milliseconds.',
      group: REPLICATION_GROUP,
      orderInGroup: 7,
    })
    .define('status.update.interval.ms', {
      type: 'INT',
      default: 10000,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation:
        'How often the connector tells the server its position on the replication stream (keeps the connection alive; the slot only moves after records are committed to Kafka).',
      group: REPLICATION_GROUP,
      orderInGroup: 8,
    });
}
