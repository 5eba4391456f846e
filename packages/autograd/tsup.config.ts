import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup';

export default defineConfig(packageBuild({ index: 'src/index.ts', testing: 'src/testing/index.ts' }));
