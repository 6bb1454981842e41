import type { ClientConfig } from 'pg';

/** JDBC URL parameters that only tune the Java driver: accepted, no effect here. */
const IGNORED_JDBC_PARAMS = new Set([
  'reWriteBatchedInserts',
  'prepareThreshold',
  'stringtype',
  'tcpKeepAlive',
]);

/** What a connection URL translates to, without the runtime-only parts (type parsers). */
export type ConnectionOptions = Pick<
  ClientConfig,
  | 'host'
  | 'port'
  | 'database'
  | 'user'
  | 'password'
  | 'ssl'
  | 'application_name'
  | 'options'
  | 'connectionTimeoutMillis'
  | 'keepAlive'
>;

/**
 * Translates `postgresql://...`, `postgres://...` or `jdbc:postgresql://...` into pg client
 * options. Throws an Error whose message names what is not supported (the caller reports it
 * under `connection.url`).
 */
export function parseConnectionUrl(url: string): ConnectionOptions {
  const jdbc = url.startsWith('jdbc:');
  const text = jdbc ? url.slice('jdbc:'.length) : url;
  if (!/^postgres(ql)?:\/\//.test(text)) {
    throw new Error(
      'expected postgresql://host[:port]/database or jdbc:postgresql://host[:port]/database',
    );
  }
  const authority = /^postgres(?:ql)?:\/\/([^/?#]*)/.exec(text)?.[1] ?? '';
  if (authority.includes(',')) {
    throw new Error('several hosts (failover URLs) are not supported');
  }
  let parsed: URL;
  try {
    // WHATWG URL handles user info, IPv6 hosts and percent-encoding for any scheme.
    parsed = new URL(text.replace(/^postgres(ql)?:/, 'http:'));
  } catch {
    throw new Error('not a valid URL');
  }
  const options: ConnectionOptions = {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: parsed.port === '' ? 5432 : Number(parsed.port),
  };
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database !== '') options.database = database;
  if (parsed.username !== '') options.user = decodeURIComponent(parsed.username);
  if (parsed.password !== '') options.password = decodeURIComponent(parsed.password);
  const refused: string[] = [];
  const pgOptions: string[] = [];
  for (const [name, value] of parsed.searchParams) {
    switch (name) {
      case 'user':
        options.user = value;
        break;
      case 'password':
        options.password = value;
        break;
      case 'ssl':
        options.ssl = value !== 'false';
        break;
      case 'sslmode':
        if (value === 'disable') options.ssl = false;
        else if (value === 'require' || value === 'prefer' || value === 'allow') {
          options.ssl = { rejectUnauthorized: false };
        } else if (value === 'verify-ca' || value === 'verify-full') options.ssl = true;
        else refused.push(`sslmode=${value}`);
        break;
      case 'currentSchema':
        pgOptions.push(`-c search_path=${value.replaceAll(' ', '\\ ')}`);
        break;
      case 'ApplicationName':
      case 'application_name':
        options.application_name = value;
        break;
      case 'options':
        pgOptions.push(value);
        break;
      case 'connectTimeout':
        // Seconds in the JDBC driver.
        options.connectionTimeoutMillis = Number(value) * 1000;
        break;
      default:
        if (IGNORED_JDBC_PARAMS.has(name)) {
          if (name === 'tcpKeepAlive' && value === 'true') options.keepAlive = true;
        } else {
          refused.push(name);
        }
    }
  }
  if (refused.length > 0) {
    throw new Error(`unsupported connection parameters: ${refused.join(', ')}`);
  }
  if (pgOptions.length > 0) options.options = pgOptions.join(' ');
  return options;
}
