// Temporary: @sluice/api has no entry point yet; re-export its sources for typecheck and tests.
export * from '../../api/src/config-def.js';
export * from '../../api/src/config-validators.js';
export * from '../../api/src/connect-record.js';
export * from '../../api/src/connector.js';
export * from '../../api/src/errors.js';
export * from '../../api/src/headers.js';
export * from '../../api/src/password.js';
export * from '../../api/src/schema.js';
export * from '../../api/src/schema-and-value.js';
export * from '../../api/src/schema-builder.js';
export * from '../../api/src/sink-record.js';
export * from '../../api/src/source-record.js';
export * from '../../api/src/struct.js';
export * from '../../api/src/topic-partition.js';
