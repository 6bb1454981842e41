declare module 'snappyjs' {
  /** Snappy-compresses a buffer (raw snappy, no framing). */
  export function compress<T extends Uint8Array | ArrayBuffer>(input: T): T;
  /** Decompresses raw snappy data. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(input: T, maxLength?: number): T;
}
