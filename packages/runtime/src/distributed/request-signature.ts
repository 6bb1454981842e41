import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionKey } from './config-store.js';

/** Kafka's header names for signed requests between workers (InternalRequestSignature). */
export const SIGNATURE_HEADER = 'x-connect-authorization';
export const SIGNATURE_ALGORITHM_HEADER = 'x-connect-request-signature-algorithm';

const NODE_ALGORITHMS: Record<string, string> = {
  HmacSHA256: 'sha256',
  HmacSHA384: 'sha384',
  HmacSHA512: 'sha512',
};
const BLOCK_BITS: Record<string, number> = { HmacSHA256: 512, HmacSHA384: 1024, HmacSHA512: 1024 };

/** A fresh session key for the leader to publish. */
export function newSessionKey(
  algorithm: string,
  sizeBits: number | null,
  now = Date.now(),
): SessionKey {
  const bits = sizeBits ?? BLOCK_BITS[algorithm] ?? 512;
  return {
    key: randomBytes(Math.ceil(bits / 8)).toString('base64'),
    algorithm,
    creationTimestamp: now,
  };
}

/** The headers signing `body` with the session key. */
export function signatureHeaders(
  key: SessionKey,
  algorithm: string,
  body: string,
): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: hmac(key, algorithm, body).toString('base64'),
    [SIGNATURE_ALGORITHM_HEADER]: algorithm,
  };
}

/** Why a signed request is refused, or null when its signature is right. */
export function verifySignature(
  key: SessionKey | null,
  accepted: readonly string[],
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
): { status: 400 | 403; message: string } | null {
  const signature = headers[SIGNATURE_HEADER];
  const algorithm = headers[SIGNATURE_ALGORITHM_HEADER];
  if (typeof signature !== 'string' || typeof algorithm !== 'string')
    return { status: 400, message: 'Internal request missing required signature' };
  if (!accepted.includes(algorithm) || !NODE_ALGORITHMS[algorithm])
    return {
      status: 400,
      message: `This worker does not support the ${algorithm} signature algorithm; it accepts ${accepted.join(', ')}`,
    };
  const expected = key ? hmac(key, algorithm, body) : null;
  const given = Buffer.from(signature, 'base64');
  if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given))
    return { status: 403, message: 'Internal request contained invalid signature.' };
  return null;
}

function hmac(key: SessionKey, algorithm: string, body: string): Buffer {
  return createHmac(NODE_ALGORITHMS[algorithm] ?? 'sha256', Buffer.from(key.key, 'base64'))
    .update(body, 'utf8')
    .digest();
}
