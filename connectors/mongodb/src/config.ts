/**
 * The connector's configuration, split by concern: the connection keys shared by sink and source,
 * the sink's per-topic keys and the source's keys. Each ConfigDef is the single place its keys are
 * named; the README tables are generated from them.
 */
export * from './config-problems.js';
export * from './connection-config.js';
export * from './sink-config.js';
export * from './source-config.js';
