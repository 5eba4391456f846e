// The 0.2 image ops on the wasm backend against the same calls on the reference CPU backend, interleaved so both
// see the same machine load (bundled by bench/image.mjs): forward + backward through autograd where the op trains.
import { valueAndGrad } from '@nn/autograd';
import {
  adaptiveAvgPool2d,
  conv2d,
  convTranspose2d,
  interpolate,
  randn,
  setBackend,
  type Tensor,
  tidy,
} from '@nn/tensor';
import { setWasmThreads } from '../src/index';

interface Case {
  name: string;
  shapes: number[][];
  run: (inputs: Tensor[]) => Tensor;
}

const CASES: Case[] = [
  {
    name: 'convTranspose2d 32->16 4x4 s2 p1 16x16',
    shapes: [
      [8, 32, 16, 16],
      [32, 16, 4, 4],
    ],
    run: ([x, w]) => convTranspose2d(x!, w!, { stride: 2, padding: 1 }),
  },
  {
    name: 'conv2d depthwise 64 3x3 p1 32x32',
    shapes: [
      [4, 64, 32, 32],
      [64, 1, 3, 3],
    ],
    run: ([x, w]) => conv2d(x!, w!, { padding: 1, groups: 64 }),
  },
  {
    name: 'conv2d depthwise 32 3x3 p1 28x28',
    shapes: [
      [8, 32, 28, 28],
      [32, 1, 3, 3],
    ],
    run: ([x, w]) => conv2d(x!, w!, { padding: 1, groups: 32 }),
  },
  {
    name: 'conv2d groups 4 64->64 3x3 p1 16x16',
    shapes: [
      [8, 64, 16, 16],
      [64, 16, 3, 3],
    ],
    run: ([x, w]) => conv2d(x!, w!, { padding: 1, groups: 4 }),
  },
  {
    name: 'conv2d dilation 2 32->32 3x3 p2 32x32',
    shapes: [
      [4, 32, 32, 32],
      [32, 32, 3, 3],
    ],
    run: ([x, w]) => conv2d(x!, w!, { padding: 2, dilation: 2 }),
  },
  {
    name: 'interpolate bilinear x2 64ch 32x32',
    shapes: [[4, 64, 32, 32]],
    run: ([x]) => interpolate(x!, { scaleFactor: 2, mode: 'bilinear' }),
  },
  {
    name: 'adaptiveAvgPool2d 64ch 30x30 -> 7x7',
    shapes: [[4, 64, 30, 30]],
    run: ([x]) => adaptiveAvgPool2d(x!, 7),
  },
];

function arg(name: string, fallback: string): string {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/** One forward + backward of `c` on the current backend, in ms. */
function timeOnce(c: Case): number {
  return tidy(() => {
    const inputs = c.shapes.map((s, i) => randn(s, { seed: i + 1 }));
    const step = valueAndGrad((...xs: Tensor[]) => c.run(xs).square().mean());
    const start = performance.now();
    const { value, grads } = step(...inputs);
    value.dataSync();
    for (const g of grads) g.dataSync();
    return performance.now() - start;
  });
}

async function main(): Promise<void> {
  setWasmThreads(Number(arg('threads', '1')));
  const reps = Number(arg('reps', '5'));
  for (const c of CASES) {
    const times: Record<'wasm' | 'cpu', number[]> = { wasm: [], cpu: [] };
    for (let r = 0; r <= reps; r++) {
      for (const backend of ['wasm', 'cpu'] as const) {
        await setBackend(backend);
        const ms = timeOnce(c);
        if (r > 0) times[backend].push(ms); // the first round warms up
      }
    }
    const [w, cpu] = [median(times.wasm), median(times.cpu)];
    console.log(
      `${c.name.padEnd(40)} fwd+bwd  wasm ${w.toFixed(1).padStart(7)} ms  cpu ${cpu.toFixed(1).padStart(7)} ms  (${(cpu / w).toFixed(2)}x)`,
    );
  }
}

await main();
process.exit(0);
