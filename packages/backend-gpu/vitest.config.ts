import { packageTests } from '../../tooling/config/vitest.ts';

// memory.test.ts measures the heap after global.gc().
export default packageTests('backend-gpu', { execArgv: ['--expose-gc'] });
