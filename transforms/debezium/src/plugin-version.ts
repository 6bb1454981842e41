/** The version the transforms report: the Debezium release whose behaviour they match. */
export const PLUGIN_VERSION = '3.6.1.Final';
