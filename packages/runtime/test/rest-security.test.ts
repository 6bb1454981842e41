import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { ConfigException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { listenerTlsOptions } from '../src/rest/rest-security.js';
import { parseListener } from '../src/rest/rest-server.js';
import { selfSignedKeystores } from './rest-tls-files.js';

describe('REST listener TLS options', () => {
  it('reads PEM and PKCS12 keystores, listeners.https.* before ssl.*', async () => {
    const ks = await selfSignedKeystores();
    const pem = listenerTlsOptions({ 'listeners.https.ssl.keystore.location': ks.pem });
    expect(() => createSecureContext(pem)).not.toThrow();
    const p12 = listenerTlsOptions({
      'ssl.keystore.location': '/nonexistent/ignored.p12',
      'listeners.https.ssl.keystore.location': ks.p12,
      'listeners.https.ssl.keystore.type': 'PKCS12',
      'listeners.https.ssl.keystore.password': ks.p12Password,
    });
    expect(p12.pfx).toEqual(await readFile(ks.p12));
    expect(() => createSecureContext(p12)).not.toThrow();
    const wrong = listenerTlsOptions({
      'ssl.keystore.location': ks.p12,
      'ssl.keystore.password': 'wrong',
    });
    expect(() => createSecureContext(wrong)).toThrow();
    const inline = listenerTlsOptions({
      'ssl.keystore.key': await readFile(ks.key, 'utf8'),
      'ssl.keystore.certificate.chain': await readFile(ks.cert, 'utf8'),
    });
    expect(() => createSecureContext(inline)).not.toThrow();
  });

  it('refuses JKS, a missing keystore and an unreadable file with the key at fault', () => {
    const refused = (props: Record<string, string>) => {
      try {
        listenerTlsOptions(props);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigException);
        return error as ConfigException;
      }
      throw new Error('accepted');
    };
    expect(
      refused({ 'ssl.keystore.location': 'a.jks', 'ssl.keystore.type': 'JKS' }).message,
    ).toMatch(
      /^Invalid value JKS for configuration ssl.keystore.type: Java keystores cannot be read/,
    );
    expect(refused({}).key).toBe('ssl.keystore.location');
    expect(refused({ 'ssl.keystore.location': '/no/such/file.p12' }).message).toMatch(
      /cannot read the keystore/,
    );
  });

  it('parses http and https listeners with their default ports', () => {
    expect(parseListener('http://0.0.0.0:8083')).toEqual({
      protocol: 'http',
      host: '0.0.0.0',
      port: 8083,
    });
    expect(parseListener('https://localhost')).toEqual({
      protocol: 'https',
      host: 'localhost',
      port: 443,
    });
    expect(parseListener('http://[::1]:0')).toEqual({ protocol: 'http', host: '::1', port: 0 });
    expect(() => parseListener('ftp://x:1')).toThrow(ConfigException);
  });
});
