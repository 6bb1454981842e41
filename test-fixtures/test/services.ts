import { services } from '../src/vitest-setup.js';

// The unit tests need nothing, but vitest runs one global setup for the whole project.
export default services(
  'kafka',
  'postgres',
  'redis',
  'redis-cluster',
  'mongodb',
  's3',
  'cassandra',
  'schema-registry',
);
