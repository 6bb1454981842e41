import { services } from '@sluice/test-fixtures/vitest-setup';

// PrivatePostgres and PrivateMinio start from the shared services' installs.
export default services('kafka', 'postgres', 's3');
