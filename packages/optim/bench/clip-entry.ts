// Bundled and run by bench/clip.mjs.
import { Adam } from '@nn/optim';
import { getBackend, logSoftmax, randn, setBackend, type Tensor, tidy } from '@nn/tensor';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const backend = arg('backend', 'cpu');
const reps = Number(arg('reps', '100'));

if (backend === 'wasm') await import('@nn/backend-wasm');
await setBackend(backend);

/** LeNet-5's parameters (conv1, conv2, fc1, fc2, fc3: weights and biases). */
const LENET = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]];

/** Median milliseconds of `a` and of `b` over `reps` calls each, alternating so that load and GC hit both alike. */
function timePair(a: () => void, b: () => void): [number, number] {
  for (let i = 0; i < 5; i++) {
    a();
    b();
  }
  const ms: [number[], number[]] = [[], []];
  for (let i = 0; i < reps; i++) {
    // Every other round b goes first: the garbage one call leaves is collected during the next.
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = performance.now();
      (k === 0 ? a : b)();
      ms[k]!.push(performance.now() - start);
    }
  }
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  return [median(ms[0]), median(ms[1])];
}

function updateOnly(clipGradNorm: number | undefined): () => void {
  const params = LENET.map((shape, i) => randn(shape, { seed: i }).mul(0.1));
  const grads = LENET.map((shape, i) => randn(shape, { seed: 100 + i }));
  const opt = new Adam(params, { lr: 1e-3, clipGradNorm });
  return () => opt.applyGradients(grads);
}

function mlpStep(clipGradNorm: number | undefined): () => void {
  const w1 = randn([784, 128], { seed: 1 }).mul(0.05);
  const b1 = randn([128], { seed: 2 }).mul(0.05);
  const w2 = randn([128, 10], { seed: 3 }).mul(0.05);
  const b2 = randn([10], { seed: 4 }).mul(0.05);
  const x = randn([64, 784], { seed: 5 });
  const y = tidy(() => randn([64, 10], { seed: 6 }).softmax());
  const opt = new Adam([w1, b1, w2, b2], { lr: 1e-3, clipGradNorm });
  const loss = (): Tensor => {
    const logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
    return logSoftmax(logits).mul(y).sum().div(-64);
  };
  return () => opt.step(loss).dispose();
}

console.log(`clipGradNorm overhead on ${getBackend().name}, median of ${reps} (timings are noisy on a shared machine)`);
for (const [name, make] of [
  ['Adam update, LeNet-5 parameters', updateOnly],
  ['MLP 784-128-10 training step, batch 64', mlpStep],
] as const) {
  const [plainMs, clippedMs] = timePair(make(undefined), make(1));
  console.log(
    `${name}: ${plainMs.toFixed(3)} ms -> ${clippedMs.toFixed(3)} ms with clipGradNorm ` +
      `(x${(clippedMs / plainMs).toFixed(2)}, +${(clippedMs - plainMs).toFixed(3)} ms)`,
  );
}
