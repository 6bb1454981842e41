import { type ConfigDef, Range, ValidList, ValidString } from '@sluice/api';

const FILTERS_GROUP = 'Filters';
const SNAPSHOT_GROUP = 'Snapshot';

/** Debezium's `snapshot.mode` values supported here. */
export const SNAPSHOT_MODES = ['initial', 'initial_only', 'no_data', 'when_needed', 'always'];

/** Debezium's operation codes, for `skipped.operations`. */
export const OPERATION_CODES = ['c', 'u', 'd', 't', 'none'];

/** What to capture: schema, table and column filters, key columns, skipped operations, snapshots. */
export function defineCaptureKeys<C extends object>(def: ConfigDef<C>) {
  return def
    .define('schema.include.list', {
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'Regular expressions (matched against the whole name) of the schemas to capture. Empty: every schema but the system ones. Not with `schema.exclude.list`.',
      group: FILTERS_GROUP,
      orderInGroup: 1,
    })
    .define('schema.exclude.list', {
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Regular expressions of schemas not to capture.',
      group: FILTERS_GROUP,
      orderInGroup: 2,
    })
    .define('table.include.list', {
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'Regular expressions of the tables to capture, matched against `schema.table`. Empty: every table of the captured schemas. Not with `table.exclude.list`.',
      group: FILTERS_GROUP,
      orderInGroup: 3,
    })
    .define('table.exclude.list', {
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Regular expressions of tables (`schema.table`) not to capture.',
      group: FILTERS_GROUP,
      orderInGroup: 4,
    })
    .define('column.include.list', {
      type: 'LIST',
      default: '',
      importance: 'LOW',
      documentation:
        'Regular expressions of the columns to put in change events, matched against `schema.table.column`. Key columns are always in the key. Not with `column.exclude.list`.',
      group: FILTERS_GROUP,
      orderInGroup: 5,
    })
    .define('column.exclude.list', {
      type: 'LIST',
      default: '',
      importance: 'LOW',
      documentation: 'Regular expressions of columns (`schema.table.column`) left out of events.',
      group: FILTERS_GROUP,
      orderInGroup: 6,
    })
    .define('message.key.columns', {
      type: 'STRING',
      default: '',
      importance: 'LOW',
      documentation:
        'Columns to use as the record key instead of the primary key, per table: `<schema.table regex>:<column>,<column>;<schema.table regex>:<column>`. Tables without a primary key need it to have keys.',
      group: FILTERS_GROUP,
      orderInGroup: 7,
    })
    .define('skipped.operations', {
      type: 'LIST',
      default: 't',
      validator: ValidList.in(...OPERATION_CODES),
      importance: 'LOW',
      documentation:
        'Operations not to emit: `c` inserts, `u` updates, `d` deletes, `t` truncates (skipped by default, as in Debezium), `none` to emit all.',
      group: FILTERS_GROUP,
      orderInGroup: 8,
    })
    .define('snapshot.mode', {
      type: 'STRING',
      default: 'initial',
      validator: ValidString.in(...SNAPSHOT_MODES),
      importance: 'MEDIUM',
      documentation:
        '`initial`: copy the captured tables once (when no offset is stored) and stream changes from the consistent point. `initial_only`: copy them and stop streaming. `no_data`: stream only. `when_needed`: copy when no offset is stored or the stored position is no longer available in the slot. `always`: copy at every start, then stream.',
      group: SNAPSHOT_GROUP,
      orderInGroup: 1,
    })
    .define('snapshot.fetch.size', {
      type: 'INT',
      default: 10240,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Rows read per round trip while copying a table (cursor fetch size).',
      group: SNAPSHOT_GROUP,
      orderInGroup: 2,
    })
    .define('signal.data.collection', {
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation:
        'The signal table (`schema.table`, columns `id varchar`, `type varchar`, `data varchar`) whose inserts trigger `execute-snapshot` and `stop-snapshot` (incremental snapshots). It is captured whatever the filters say, and its rows are not emitted.',
      group: SNAPSHOT_GROUP,
      orderInGroup: 3,
    })
    .define('incremental.snapshot.chunk.size', {
      type: 'INT',
      default: 1024,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Rows read per chunk of an incremental snapshot (ordered by primary key).',
      group: SNAPSHOT_GROUP,
      orderInGroup: 4,
    });
}
