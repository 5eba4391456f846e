import { packageTests } from '../../tooling/config/vitest.ts';

export default packageTests('examples');
