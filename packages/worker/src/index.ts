export { main, USAGE } from './cli/main.js';
