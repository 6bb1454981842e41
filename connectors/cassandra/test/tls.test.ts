import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientOptions, tlsOptions } from '../src/cassandra-session.js';
import { parseSinkConfig } from '../src/index.js';

const ssl = {
  hostnameValidation: true,
  truststorePath: '',
  keystorePath: '',
  keystorePassword: '',
  keyCertChainPath: '',
  privateKeyPath: '',
  cipherSuites: [],
};

describe('TLS options', () => {
  it('reads a PEM trust store, a PKCS#12 key store and cipher suites into Node.js TLS options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-tls-'));
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await writeFile(join(dir, 'ca.pem'), ca);
    await writeFile(join(dir, 'client.p12'), Buffer.from([0x30, 0x82, 0x01, 0x00]));
    const options = tlsOptions({
      ...ssl,
      truststorePath: join(dir, 'ca.pem'),
      keystorePath: join(dir, 'client.p12'),
      keystorePassword: 'pw',
      cipherSuites: ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256'],
      hostnameValidation: false,
    });
    expect(String(options.ca)).toBe(ca);
    expect(options.pfx).toEqual(Buffer.from([0x30, 0x82, 0x01, 0x00]));
    expect(options.passphrase).toBe('pw');
    expect(options.ciphers).toBe('ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256');
    expect(options.checkServerIdentity?.('host', {} as never)).toBeUndefined();
  });

  it('refuses Java key stores and half a PEM identity, saying what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-tls-'));
    await writeFile(join(dir, 'trust.jks'), Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
    expect(() => tlsOptions({ ...ssl, truststorePath: join(dir, 'trust.jks') })).toThrow(
      /ssl\.truststore\.path: not a PEM file of certificates.*keytool -exportcert -rfc/,
    );
    expect(() => tlsOptions({ ...ssl, keystorePath: join(dir, 'trust.jks') })).toThrow(
      /ssl\.keystore\.path: a JKS key store cannot be read by Node\.js/,
    );
    expect(() => tlsOptions({ ...ssl, keyCertChainPath: join(dir, 'trust.jks') })).toThrow(
      /ssl\.openssl\.privateKey is not set/,
    );
    expect(() => tlsOptions({ ...ssl, truststorePath: join(dir, 'missing.pem') })).toThrow(
      /ssl\.truststore\.path: cannot read the file/,
    );
  });

  it('passes the connection settings to the driver', () => {
    const config = parseSinkConfig({
      contactPoints: 'a,b:9043',
      port: '9142',
      'loadBalancing.localDc': 'dc2',
      'auth.username': 'u',
      'auth.password': 'p',
      queryExecutionTimeout: '12',
      connectionPoolLocalSize: '2',
      'datastax-java-driver.advanced.connection.connect-timeout': '3 seconds',
    });
    const options = clientOptions(config.connection, 'test');
    expect(options.contactPoints).toEqual(['a:9142', 'b:9043']);
    expect(options.localDataCenter).toBe('dc2');
    expect(options.socketOptions).toEqual({ connectTimeout: 3000, readTimeout: 12_000 });
    expect(options.pooling?.coreConnectionsPerHost).toEqual({ 0: 2 });
    expect(options.authProvider).toBeDefined();
    expect(options.sslOptions).toBeUndefined();
  });
});
