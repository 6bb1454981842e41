import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for localhost/127.0.0.1 as PEM (key + chain) and PKCS12 files. */
export async function selfSignedKeystores(): Promise<{
  dir: string;
  pem: string;
  cert: string;
  key: string;
  p12: string;
  p12Password: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const pem = join(dir, 'keystore.pem');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(pem, `${await readFile(key, 'utf8')}${await readFile(cert, 'utf8')}`);
  const p12 = join(dir, 'keystore.p12');
  const p12Password = 'changeit';
  execFileSync(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-in',
      cert,
      '-out',
      p12,
      '-passout',
      `pass:${p12Password}`,
    ],
    { stdio: 'ignore' },
  );
  return { dir, pem, cert, key, p12, p12Password };
}
