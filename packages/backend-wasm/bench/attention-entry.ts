// Fused attention / layerNorm vs the same computation composed from matmul/softmax (mean/sqrt) ops, forward +
// backward through valueAndGrad, interleaved so both see the same machine load (bundled by bench/attention.mjs).
import { valueAndGrad } from '@nn/autograd';
import {
  layerNorm,
  matmul,
  mean,
  randn,
  scaledDotProductAttention,
  setBackend,
  softmax,
  type Tensor,
  tensor,
  tidy,
  where,
} from '@nn/tensor';
import { setWasmThreads } from '../src/index';

function arg(name: string, fallback: string): string {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/**
 * Milliseconds of this process's CPU time (steadier than wall time on a shared machine; one thread) for one
 * forward + backward of `f`, its gradients read back.
 */
function time(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): number {
  const start = process.cpuUsage();
  tidy(() => {
    const { value, grads } = valueAndGrad((...xs: Tensor[]) =>
      f(...xs)
        .square()
        .mean(),
    )(...inputs);
    value.dataSync();
    for (const g of grads) g.dataSync();
  });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function compare(
  name: string,
  fused: (...xs: Tensor[]) => Tensor,
  composed: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  reps: number,
) {
  time(fused, inputs);
  time(composed, inputs);
  const [a, b]: number[][] = [[], []];
  for (let r = 0; r < reps; r++) {
    a.push(time(fused, inputs));
    b.push(time(composed, inputs));
  }
  const [fa, fb] = [median(a), median(b)];
  console.log(
    `${name}: fused ${fa.toFixed(2)} ms, composed ${fb.toFixed(2)} ms (CPU time), ratio ${(fb / fa).toFixed(2)}x`,
  );
}

/** softmax(q kᵀ scale, causal keys j <= i) v from 0.1 ops. */
function composedAttention(q: Tensor, k: Tensor, v: Tensor, causal: boolean): Tensor {
  const scale = 1 / Math.sqrt(q.shape[q.rank - 1]!);
  let scores = matmul(q, k, { transposeB: true }).mul(scale);
  if (causal) {
    const [L, S] = scores.shape.slice(-2) as [number, number];
    const keep = tensor(
      Int32Array.from({ length: L * S }, (_, n) => (n % S <= Math.floor(n / S) ? 1 : 0)),
      [L, S],
    );
    scores = where(keep, scores, Number.NEGATIVE_INFINITY);
  }
  return matmul(softmax(scores, -1), v);
}

await setBackend('wasm');
setWasmThreads(Number(arg('threads', '1')));
const reps = Number(arg('reps', '9'));
const qkv = [1, 2, 3].map((seed) => randn([12, 4, 64, 32], { seed }));
for (const causal of [false, true]) {
  compare(
    `attention [12, 4, 64, 32]${causal ? ' causal' : ''}`,
    (q, k, v) => scaledDotProductAttention(q!, k!, v!, { isCausal: causal }),
    (q, k, v) => composedAttention(q!, k!, v!, causal),
    qkv,
    reps,
  );
}
const x = randn([64, 128, 256], { seed: 4 });
const [w, b] = [randn([256], { seed: 5 }), randn([256], { seed: 6 })];
compare(
  'layerNorm [64, 128, 256] over 256',
  (v, weight, bias) => layerNorm(v!, [256], { weight, bias }),
  (v, weight, bias) => {
    const m = mean(v!, -1, true);
    const d = v!.sub(m);
    return d
      .div(mean(d.square(), -1, true).add(1e-5).sqrt())
      .mul(weight!)
      .add(bias!);
  },
  [x, w, b],
  reps,
);
