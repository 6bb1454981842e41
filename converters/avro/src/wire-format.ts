import { DataException } from '@sluice/api';

/** The first byte of every Confluent-framed message. */
export const MAGIC_BYTE = 0;
/** Magic byte + 4-byte big-endian schema id. */
export const HEADER_SIZE = 5;

/**
 * The schema id of a Confluent-framed message (magic byte 0, 4-byte big-endian schema id, then
 * the Avro binary value). Throws a DataException saying which byte is wrong.
 */
export function readSchemaId(bytes: Uint8Array): number {
  if (bytes.length === 0) {
    throw new DataException(
      'Unknown magic byte: the message is empty (expected the Confluent wire format)',
    );
  }
  const magic = bytes[0] as number;
  if (magic !== MAGIC_BYTE) {
    throw new DataException(
      `Unknown magic byte 0x${magic.toString(16).padStart(2, '0')} at byte offset 0 (expected 0x00 of the Confluent wire format)`,
    );
  }
  if (bytes.length < HEADER_SIZE) {
    throw new DataException(
      `Truncated message: ${bytes.length} bytes, the Confluent wire format header needs ${HEADER_SIZE} (magic byte and 4-byte schema id at byte offsets 0-4)`,
    );
  }
  return (
    ((bytes[1] as number) << 24) |
    ((bytes[2] as number) << 16) |
    ((bytes[3] as number) << 8) |
    (bytes[4] as number)
  );
}

/** Writes the 5-byte header of schema `id` at the start of `out`. */
export function writeHeader(out: Uint8Array, id: number): void {
  out[0] = MAGIC_BYTE;
  out[1] = (id >>> 24) & 0xff;
  out[2] = (id >>> 16) & 0xff;
  out[3] = (id >>> 8) & 0xff;
  out[4] = id & 0xff;
}
