// `node` is what the `node` export condition loads: the main entry plus Node's file system for paths.
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup.ts';

export default defineConfig(packageBuild({ index: 'src/index.ts', node: 'src/node.ts' }));
