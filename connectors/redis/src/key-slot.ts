/** The number of hash slots of a Redis Cluster. */
export const SLOT_COUNT = 16384;

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial 0), the checksum Redis Cluster hashes keys with. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    }
    table[byte] = crc & 0xffff;
  }
  return table;
})();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc =
      ((crc << 8) ^ (CRC16_TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number)) & 0xffff;
  }
  return crc;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The cluster slot of `key`, as the server computes it: CRC16 of the key modulo 16384, or of its
 * hash tag (the bytes between the first `{` and the next `}`, when not empty) so related keys
 * can be placed in one slot.
 */
export function keySlot(key: string | Uint8Array): number {
  // Most keys are ASCII: their UTF-8 bytes are their char codes, no encoding needed.
  const bytes =
    typeof key !== 'string' ? key : isAscii(key) ? asciiCodes(key) : Buffer.from(key, 'utf8');
  const open = bytes.indexOf(OPEN_BRACE);
  if (open >= 0) {
    const close = bytes.indexOf(CLOSE_BRACE, open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) % SLOT_COUNT;
  }
  return crc16(bytes, 0, bytes.length) % SLOT_COUNT;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A reusable buffer for the char codes of ASCII keys (slot computation is synchronous). */
let scratch = new Uint8Array(256);

function asciiCodes(text: string): Uint8Array {
  if (scratch.length < text.length) scratch = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) scratch[i] = text.charCodeAt(i);
  return scratch.subarray(0, text.length);
}
