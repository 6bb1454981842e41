import type { Logger } from '../logging/logger.js';

/** Runs a plugin's close(), logging (not throwing) its failure with `context`. */
export async function closeLogged(
  close: () => unknown,
  log: Logger,
  context: Record<string, string>,
): Promise<void> {
  try {
    await close();
  } catch (error) {
    const [what, name] = Object.entries(context)[0] ?? ['plugin', '?'];
    log.warn({ err: error, ...context }, `closing the ${what} ${name} failed`);
  }
}
