import { packageTests } from '../../tooling/config/vitest.ts';

export default packageTests('digit-recognizer', { globalSetup: ['test/global-setup.ts'], hookTimeout: 600_000 });
