import { packageTests } from '../../tooling/config/vitest.ts';

// Each test trains a small model: seconds on an idle machine, but minutes when many jobs share two cores.
export default packageTests('examples', { testTimeout: 300_000 });
