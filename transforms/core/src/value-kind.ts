import { Decimal, Struct } from '@sluice/api';

/** What a value is, for messages: Kafka prints Java class names, we print JS kinds. */
export function valueKind(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Struct) return 'Struct';
  if (value instanceof Decimal) return 'Decimal';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (value instanceof Map) return 'Map';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name && name !== 'Object' ? name : 'Object';
  }
  return typeof value;
}
