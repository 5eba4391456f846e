import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup.ts';

// `node` is what the `node` export condition loads: the main entry plus Node's file system for io/ paths.
export default defineConfig(packageBuild({ index: 'src/index.ts', node: 'src/node.ts' }));
