// Times of the 0.2 pointwise kernels (bundled by bench/pointwise.mjs): each line is the median of interleaved
// runs, so every variant sees the same machine load. Ratios, not absolute times, are what to compare.
import { add, cumsum, gelu, mul, randn, setBackend, sort, type Tensor, tanh, tensor, tidy } from '@nn/tensor';
import '../src/index';

function arg(name: string, fallback: string): string {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/** PyTorch's tanh GELU written with 0.1 ops: what a user had before the kernel (six kernels, five temporaries). */
function geluComposed(x: Tensor): Tensor {
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

type Variant = [string, 'wasm' | 'cpu', (x: Tensor) => Tensor];

async function time(variants: Variant[], shape: number[], reps: number): Promise<number[]> {
  const times: number[][] = variants.map(() => []);
  const values = randn(shape, { seed: 1 }).dataSync();
  for (let r = 0; r < reps; r++) {
    for (const [i, [, backend, fn]] of variants.entries()) {
      await setBackend(backend);
      const x = tensor(values, shape);
      tidy(() => fn(x)).dispose();
      const start = performance.now();
      const y = tidy(() => fn(x));
      y.dataSync();
      times[i]!.push(performance.now() - start);
      y.dispose();
      x.dispose();
    }
  }
  return times.map(median);
}

async function main(): Promise<void> {
  const reps = Number(arg('reps', '9'));
  const groups: [string, number[], Variant[]][] = [
    [
      'gelu [1024, 1024]',
      [1024, 1024],
      [
        ['wasm gelu kernel (exact)', 'wasm', (x) => gelu(x)],
        ['wasm gelu kernel (tanh)', 'wasm', (x) => gelu(x, { approximate: 'tanh' })],
        ['wasm tanh-gelu from 0.1 ops', 'wasm', geluComposed],
        ['cpu gelu kernel (exact)', 'cpu', (x) => gelu(x)],
      ],
    ],
    [
      'sort [256, 1024] last axis',
      [256, 1024],
      [
        ['wasm sort', 'wasm', (x) => sort(x).values],
        ['cpu sort', 'cpu', (x) => sort(x).values],
      ],
    ],
    [
      'cumsum [1024, 1024] axis 1',
      [1024, 1024],
      [
        ['wasm cumsum', 'wasm', (x) => cumsum(x, 1)],
        ['cpu cumsum', 'cpu', (x) => cumsum(x, 1)],
      ],
    ],
  ];
  for (const [title, shape, variants] of groups) {
    const medians = await time(variants, shape, reps);
    console.log(title);
    for (const [i, [name]] of variants.entries()) {
      console.log(
        `  ${name.padEnd(30)} ${medians[i]!.toFixed(2).padStart(8)} ms  x${(medians[i]! / medians[0]!).toFixed(2)}`,
      );
    }
  }
}

main();
