/**
 * What the bench uses from @sluice/test-fixtures, imported from its built modules directly.
 * The package's root entry re-exports connection-info.ts, which imports `vitest` (for
 * `inject`), and `vitest` throws when it is imported outside a vitest run, so a plain
 * script cannot import '@sluice/test-fixtures'. None of the modules below loads vitest.
 * Once the root entry stops loading vitest eagerly, these become one import from it.
 */
export { cacheDir } from '../../test-fixtures/dist/cache-dir.js';
export { withFileLock } from '../../test-fixtures/dist/file-lock.js';
export { ephemeralPort } from '../../test-fixtures/dist/free-port.js';
export { javaCommand, mavenCommand } from '../../test-fixtures/dist/java-toolchain.js';
export { runCommand } from '../../test-fixtures/dist/run-command.js';
export { ensureServices } from '../../test-fixtures/dist/service-manager.js';
export { serviceDefinition } from '../../test-fixtures/dist/service-registry.js';
