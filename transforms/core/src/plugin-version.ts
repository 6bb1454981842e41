/** The version every transform and predicate reports (the Kafka release whose behaviour it matches). */
export const PLUGIN_VERSION = '4.1.1';
