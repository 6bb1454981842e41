import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../src/index.js';

describe('connection URL translation', () => {
  it('translates a JDBC URL with its common parameters into pg options', () => {
    expect(
      parseConnectionUrl(
        'jdbc:postgresql://db.internal:6543/shop?user=app&password=s%3Dcret&sslmode=require&currentSchema=sales&ApplicationName=sluice&connectTimeout=5&reWriteBatchedInserts=true',
      ),
    ).toEqual({
      host: 'db.internal',
      port: 6543,
      database: 'shop',
      user: 'app',
      password: 's=cret',
      ssl: { rejectUnauthorized: false },
      application_name: 'sluice',
      connectionTimeoutMillis: 5000,
      options: '-c search_path=sales',
    });
  });

  it('reads user info and defaults of a postgresql:// URL', () => {
    expect(parseConnectionUrl('postgresql://me:p%40ss@[::1]/db')).toEqual({
      host: '::1',
      port: 5432,
      database: 'db',
      user: 'me',
      password: 'p@ss',
    });
    expect(parseConnectionUrl('postgres://localhost:5433')).toEqual({
      host: 'localhost',
      port: 5433,
    });
  });

  it('refuses other databases, failover host lists and unknown parameters by name', () => {
    expect(() => parseConnectionUrl('jdbc:mysql://localhost/db')).toThrow(
      /expected postgresql:\/\/host/,
    );
    expect(() => parseConnectionUrl('jdbc:postgresql://a:5432,b:5432/db')).toThrow(/several hosts/);
    expect(() =>
      parseConnectionUrl('jdbc:postgresql://a/db?loggerLevel=DEBUG&targetServerType=primary'),
    ).toThrow('unsupported connection parameters: loggerLevel, targetServerType');
  });
});
