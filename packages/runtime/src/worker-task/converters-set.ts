import type { Converter, HeaderConverter } from '@sluice/api';
import type { Logger } from '../logging/logger.js';
import { closeLogged } from './close-logged.js';

/** The key, value and header converters a task uses, with their class names for error reports. */
export interface TaskConverters {
  key: Converter;
  keyClass: string;
  value: Converter;
  valueClass: string;
  header: HeaderConverter;
  headerClass: string;
}

/** Closes the task's converters, each even when one failed; failures are logged, not thrown. */
export async function closeConverters(c: TaskConverters, log: Logger): Promise<void> {
  await closeLogged(() => c.key.close?.(), log, { converter: 'key', class: c.keyClass });
  await closeLogged(() => c.value.close?.(), log, { converter: 'value', class: c.valueClass });
  await closeLogged(() => c.header.close?.(), log, { converter: 'header', class: c.headerClass });
}
