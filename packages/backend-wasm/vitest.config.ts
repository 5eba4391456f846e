import { packageTests } from '../../tooling/config/vitest';

export default packageTests('backend-wasm', { globalSetup: ['./test/global-setup.ts'] });
