import { services } from '@sluice/test-fixtures/vitest-setup';

export default services('kafka');
