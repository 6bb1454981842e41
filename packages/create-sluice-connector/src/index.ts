export { main, USAGE } from './cli/main.js';
export { type GenerateOptions, generate, stemOf } from './generate.js';
export type { ConnectorKind, TemplateContext } from './templates.js';
