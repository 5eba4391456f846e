import { packageTests } from '../../tooling/config/vitest.ts';

// The wasm backend test imports backend-wasm's sources, which need its generated module (built when stale).
export default packageTests('onnx', { globalSetup: ['../backend-wasm/test/global-setup.ts'] });
