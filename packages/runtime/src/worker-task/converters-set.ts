import type { ConverterLike, HeaderConverterLike } from '../plugins/contracts.js';

/** The key, value and header converters a task uses, with their class names for error reports. */
export interface TaskConverters {
  key: ConverterLike;
  keyClass: string;
  value: ConverterLike;
  valueClass: string;
  header: HeaderConverterLike;
  headerClass: string;
}

export async function closeConverters(c: TaskConverters): Promise<void> {
  await c.key.close?.();
  await c.value.close?.();
  await c.header.close?.();
}
