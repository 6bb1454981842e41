import { services } from '../src/vitest-setup.js';

export default services('kafka');
