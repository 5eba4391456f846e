import { packageTests } from '../../tooling/config/vitest.ts';

export default packageTests('layers', { setupFiles: ['./test/node-entry.ts'] });
