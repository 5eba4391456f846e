import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup';

// register is its own entry so the side effect of registering lives in dist/register.* (see "sideEffects").
export default defineConfig(packageBuild({ index: 'src/index.ts', register: 'src/register.ts' }));
