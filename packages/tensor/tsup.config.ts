import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup.ts';

export default defineConfig(
  packageBuild({ index: 'src/index.ts', backend: 'src/backend/index.ts', testing: 'src/testing/index.ts' }),
);
