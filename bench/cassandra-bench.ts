/** What the Cassandra benches share: the test server's contact point and driver options. */
import { execFileSync } from 'node:child_process';
import type cassandra from 'cassandra-driver';

/** The test Cassandra: SLUICE_CASSANDRA_CONTACT_POINTS, or the services CLI's (VAR=value lines). */
export function cassandraContactPoint(): string {
  const fromEnv = process.env.SLUICE_CASSANDRA_CONTACT_POINTS;
  if (fromEnv) return fromEnv.split(',')[0] as string;
  const bin = new URL('node_modules/.bin/sluice-services', import.meta.url).pathname;
  const out = execFileSync(bin, ['up', 'cassandra'], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('SLUICE_CASSANDRA_CONTACT_POINTS='));
  if (line === undefined)
    throw new Error('sluice-services did not print SLUICE_CASSANDRA_CONTACT_POINTS');
  return line.slice('SLUICE_CASSANDRA_CONTACT_POINTS='.length).trim().split(',')[0] as string;
}

/** Driver options as the connector sets them (bigint for bigint, Map and Set). */
export function cassandraOptions(contactPoint: string): cassandra.DseClientOptions {
  return {
    contactPoints: [contactPoint],
    localDataCenter: 'datacenter1',
    encoding: { useBigIntAsLong: true, useBigIntAsVarint: true, map: Map, set: Set },
  };
}
