import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import { ConfigDef, ConfigException, type Password, ValidString } from '@sluice/api';
import { parseProperties } from '../config/properties-file.js';
import { withPrefix } from '../config/worker-config.js';
import { RestException } from './rest-exception.js';

/**
 * The REST listener's TLS keys (Kafka's `listeners.https.ssl.*`, falling back to `ssl.*`) and
 * basic authentication. Keystores are PKCS12 or PEM; Java's JKS cannot be read by Node.
 */
export const REST_SECURITY_CONFIG_DEF = new ConfigDef()
  .define('ssl.keystore.type', {
    type: 'STRING',
    default: null,
    validator: ValidString.in('PKCS12', 'PEM', 'JKS'),
    importance: 'MEDIUM',
    documentation:
      'PKCS12 or PEM (a file holding the private key and the certificate chain). Unset: PEM for a .pem/.crt file, else PKCS12.',
  })
  .define('ssl.keystore.location', {
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'The keystore file of an https listener.',
  })
  .define('ssl.keystore.password', {
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation: 'The password of a PKCS12 keystore.',
  })
  .define('ssl.key.password', {
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation: 'The password of an encrypted PEM private key.',
  })
  .define('ssl.keystore.key', {
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation: 'The private key in PEM, inline (instead of ssl.keystore.location).',
  })
  .define('ssl.keystore.certificate.chain', {
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation: 'The certificate chain in PEM, inline (with ssl.keystore.key).',
  })
  .define('ssl.client.auth', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.in('required', 'requested', 'none'),
    importance: 'LOW',
    documentation:
      'Whether an https listener asks clients for a certificate signed by a CA of the truststore: required (a client without one is refused during the handshake), requested (asked, not required) or none.',
  })
  .define('ssl.truststore.type', {
    type: 'STRING',
    default: null,
    validator: ValidString.in('PEM', 'PKCS12', 'JKS'),
    importance: 'MEDIUM',
    documentation:
      'PEM: the CA certificates client certificates are checked against. PKCS12 and JKS truststores are refused with the command that converts them.',
  })
  .define('ssl.truststore.location', {
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'A PEM file of the CA certificates trusted to sign client certificates.',
  })
  .define('ssl.truststore.certificates', {
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation:
      'The trusted CA certificates in PEM, inline (instead of ssl.truststore.location).',
  })
  .define('rest.basic.auth.credentials.file', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation:
      "A properties file of `user: password` lines (the file of Kafka's PropertyFileLoginModule); when set, every REST request needs HTTP basic authentication.",
  });

function secret(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : (value as Password).value();
}

/** The TLS options of an https listener, with client authentication when asked for. */
export type ListenerTlsOptions = SecureContextOptions & {
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
};

/**
 * Node's TLS options of an https listener, from the worker properties: the `prefix` keys
 * (`listeners.https.`, or `admin.listeners.https.` for an admin listener) before `ssl.*`.
 */
export function listenerTlsOptions(
  props: Record<string, string>,
  prefix = 'listeners.https.',
): ListenerTlsOptions {
  const merged: Record<string, string> = {};
  for (const key of REST_SECURITY_CONFIG_DEF.names())
    if (key.startsWith('ssl.') && props[key] !== undefined) merged[key] = props[key];
  Object.assign(merged, withPrefix(props, prefix));
  const c = REST_SECURITY_CONFIG_DEF.parse(merged) as Record<string, unknown>;
  return { ...keystoreOptions(c), ...clientAuthOptions(c) };
}

/** Kafka's `ssl.client.auth` as Node's requestCert/rejectUnauthorized with the truststore's CAs. */
function clientAuthOptions(c: Record<string, unknown>): ListenerTlsOptions {
  const mode = c['ssl.client.auth'] as 'required' | 'requested' | 'none';
  if (mode === 'none') return {};
  const inline = secret(c['ssl.truststore.certificates']);
  const location = c['ssl.truststore.location'] as string | null;
  const type = c['ssl.truststore.type'] as string | null;
  if (
    type === 'PKCS12' ||
    type === 'JKS' ||
    (type === null && location && /\.(p12|pfx|jks)$/i.test(location))
  ) {
    throw ConfigException.invalid(
      'ssl.truststore.type',
      type ?? location,
      'Node reads trusted certificates as PEM only; convert the truststore (keytool -exportcert -rfc, or openssl pkcs12 -nokeys -out truststore.pem)',
    );
  }
  let ca: string | Buffer;
  if (inline) ca = inline;
  else if (location) ca = readOrRefuse('ssl.truststore.location', location, 'the truststore');
  else {
    throw new ConfigException(
      `ssl.client.auth=${mode} needs the CA certificates that sign client certificates: ssl.truststore.location (a PEM file) or ssl.truststore.certificates`,
      { key: 'ssl.truststore.location' },
    );
  }
  return { ca, requestCert: true, rejectUnauthorized: mode === 'required' };
}

function readOrRefuse(key: string, location: string, what: string): Buffer {
  try {
    return readFileSync(location);
  } catch (error) {
    throw ConfigException.invalid(
      key,
      location,
      `cannot read ${what}: ${(error as Error).message}`,
    );
  }
}

function keystoreOptions(c: Record<string, unknown>): SecureContextOptions {
  const inlineKey = secret(c['ssl.keystore.key']);
  const inlineChain = secret(c['ssl.keystore.certificate.chain']);
  const location = c['ssl.keystore.location'] as string | null;
  if (inlineKey && inlineChain) {
    return withPassphrase({ key: inlineKey, cert: inlineChain }, secret(c['ssl.key.password']));
  }
  if (!location) {
    throw new ConfigException(
      'An https listener needs listeners.https.ssl.keystore.location (or ssl.keystore.location), or ssl.keystore.key with ssl.keystore.certificate.chain',
      { key: 'ssl.keystore.location' },
    );
  }
  const type =
    (c['ssl.keystore.type'] as string | null) ??
    (/\.(pem|crt)$/i.test(location) ? 'PEM' : 'PKCS12');
  if (type === 'JKS') {
    throw ConfigException.invalid(
      'ssl.keystore.type',
      'JKS',
      'Java keystores cannot be read by Node; convert it to PKCS12 (keytool -importkeystore -deststoretype PKCS12) or PEM',
    );
  }
  const content = readOrRefuse('ssl.keystore.location', location, 'the keystore');
  if (type === 'PEM') {
    return withPassphrase({ key: content, cert: content }, secret(c['ssl.key.password']));
  }
  return withPassphrase({ pfx: content }, secret(c['ssl.keystore.password']));
}

function withPassphrase(
  options: SecureContextOptions,
  passphrase: string | undefined,
): SecureContextOptions {
  return passphrase === undefined ? options : { ...options, passphrase };
}

/** Checks HTTP basic credentials against a Kafka PropertyFileLoginModule file. */
export class BasicAuthenticator {
  private readonly users: Map<string, string>;

  constructor(file: string) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw ConfigException.invalid(
        'rest.basic.auth.credentials.file',
        file,
        `cannot read it: ${(error as Error).message}`,
      );
    }
    this.users = new Map(Object.entries(parseProperties(text)));
  }

  /** The authenticator the worker properties ask for, or null when REST is open. */
  static fromProps(props: Record<string, string>): BasicAuthenticator | null {
    const file = props['rest.basic.auth.credentials.file'];
    return file ? new BasicAuthenticator(file) : null;
  }

  /** Throws a 401 unless the request carries the credentials of a known user. */
  check(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)$/i.exec(header);
    if (!m) throw new RestException(401, 'Credentials are required: use HTTP basic authentication');
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const expected = this.users.get(user);
    const ok =
      expected !== undefined &&
      Buffer.byteLength(expected) === Buffer.byteLength(password) &&
      timingSafeEqual(Buffer.from(expected), Buffer.from(password));
    if (!ok) throw new RestException(401, 'The user name or password is wrong');
  }
}

/**
 * With `ssl.client.auth=requested` a client may come without a certificate, but one it shows
 * must be trusted (as Java's TLS, which fails the handshake); Node lets it through, so it is
 * refused here.
 */
export function checkClientCertificate(req: IncomingMessage): void {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function' || socket.authorized) return;
  const cert = socket.getPeerCertificate();
  if (cert && Object.keys(cert).length > 0) {
    throw new RestException(
      401,
      `The client certificate is not trusted: ${String(socket.authorizationError)}`,
    );
  }
}
