import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup.ts';

export default defineConfig(packageBuild({ index: 'src/index.ts' }));
