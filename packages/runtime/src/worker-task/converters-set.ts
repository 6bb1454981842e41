import type { Converter, HeaderConverter } from '@sluice/api';

/** The key, value and header converters a task uses, with their class names for error reports. */
export interface TaskConverters {
  key: Converter;
  keyClass: string;
  value: Converter;
  valueClass: string;
  header: HeaderConverter;
  headerClass: string;
}

export async function closeConverters(c: TaskConverters): Promise<void> {
  await c.key.close?.();
  await c.value.close?.();
  await c.header.close?.();
}
