import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup';

// The entry point registers the backend with a call of its own (see src/register.ts), so dist/index.* is the
// only file with a side effect ("sideEffects" in package.json).
export default defineConfig(packageBuild({ index: 'src/index.ts' }));
