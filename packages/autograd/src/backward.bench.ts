/**
 * What a backward pass costs next to the forward pass: an MLP step (kernel-bound) and a chain of tiny ops
 * (bound by per-node overhead). Not part of the test run; from the repository root:
 *   node_modules/.bin/esbuild --bundle --platform=node --format=esm --log-level=warning \
 *     --alias:@nn/tensor=./packages/tensor/src/index.ts --alias:@nn/tensor/backend=./packages/tensor/src/backend/index.ts \
 *     packages/autograd/src/backward.bench.ts | node --input-type=module
 */
import { matmul, randn, type Tensor, tidy } from '@nn/tensor';
import { gradsOf, noGrad } from './grad';

function time(label: string, runs: number, fn: () => void): number {
  for (let i = 0; i < 50; i++) fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(36)} ${(ms * 1000).toFixed(1).padStart(8)} us`);
  return ms;
}

const x = randn([64, 784], { seed: 1 });
const w1 = randn([784, 128], { seed: 2 });
const b1 = randn([128], { seed: 3 });
const w2 = randn([128, 10], { seed: 4 });
const mlp = (): Tensor => matmul(matmul(x, w1).add(b1).relu(), w2).square().mean();
const forward = time('mlp 784-128-10, batch 64: forward', 200, () => tidy(() => void noGrad(mlp)));
const step = time('mlp forward + backward', 200, () => tidy(() => void gradsOf(mlp, [w1, b1, w2])));
console.log(`forward + backward = ${(step / forward).toFixed(2)} x forward`);

const s = randn([8], { seed: 5 });
const chain = (): Tensor => {
  let y = s;
  for (let i = 0; i < 200; i++) y = y.mul(1.001).add(0.001);
  return y.sum();
};
const tinyForward = time('400 tiny ops: forward', 300, () => tidy(() => void noGrad(chain)));
const tinyStep = time('400 tiny ops: forward + backward', 300, () => tidy(() => void gradsOf(chain, [s])));
console.log(`tape + backward per node: ${(((tinyStep - tinyForward) / 400) * 1000).toFixed(2)} us`);
