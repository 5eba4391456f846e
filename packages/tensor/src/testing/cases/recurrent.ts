/** The fused LSTM cell and its backward, against a naive float64 loop over the same seeded inputs. */
import { lstmCell, randn, type Tensor, tensor, zeros } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { type Dense, expectDense, randnValues } from '../reference';
import type { ConformanceCase } from '../types';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** [h', c'] as [2, N, H], or with dy the gradients [dgates, dc] (by the chain rule, term by term). */
function refCell(gates: Dense, c: Dense): Dense;
function refCell(gates: Dense, c: Dense, dy: Dense): Dense[];
function refCell(gates: Dense, c: Dense, dy?: Dense): Dense | Dense[] {
  const [n, h] = c.shape as [number, number];
  const out = new Array<number>(2 * n * h).fill(0);
  const dGates = new Array<number>(4 * n * h).fill(0);
  const dc = new Array<number>(n * h).fill(0);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < h; j++) {
      const at = (k: number) => gates.values[r * 4 * h + k * h + j]!;
      const [i, f, g, o] = [sigmoid(at(0)), sigmoid(at(1)), Math.tanh(at(2)), sigmoid(at(3))];
      const cPrev = c.values[r * h + j]!;
      const cNext = f * cPrev + i * g;
      out[r * h + j] = o * Math.tanh(cNext);
      out[n * h + r * h + j] = cNext;
      if (dy === undefined) continue;
      const dh = dy.values[r * h + j]!;
      const dcNext = dy.values[n * h + r * h + j]! + dh * o * (1 - Math.tanh(cNext) ** 2);
      const grads = [dcNext * g * i * (1 - i), dcNext * cPrev * f * (1 - f), dcNext * i * (1 - g * g)];
      grads.push(dh * Math.tanh(cNext) * o * (1 - o));
      for (let k = 0; k < 4; k++) dGates[r * 4 * h + k * h + j] = grads[k]!;
      dc[r * h + j] = dcNext * f;
    }
  }
  if (dy === undefined) return { shape: [2, n, h], values: out };
  return [
    { shape: gates.shape, values: dGates },
    { shape: c.shape, values: dc },
  ];
}

/** Seeded normal values times `scale` (float32), made in JS. */
function scaled(shape: number[], seed: number, scale: number): Dense {
  const d = randnValues(shape, seed);
  return { shape, values: d.values.map((v) => Math.fround(v * scale)) };
}

/** Uploaded, not computed on the device: a backend's declared CPU fallback may only read uploaded data (webgpu). */
function upload(d: Dense): Tensor {
  return tensor(d.values, d.shape);
}

function backward(dy: Tensor, gates: Tensor, c: Tensor): Tensor[] {
  return [...engine.runKernelMulti('LSTMCellBackward', { dy, gates, c }, {})];
}

export const recurrentCases: ConformanceCase[] = [
  {
    name: 'lstmCell: N=3, H=5 (two SIMD lanes and a tail)',
    kernels: ['LSTMCell'],
    run: () => lstmCell(upload(scaled([3, 20], 90, 2)), randn([3, 5], { seed: 91 })),
    expected: () => expectDense(refCell(scaled([3, 20], 90, 2), randnValues([3, 5], 91))),
  },
  {
    name: 'lstmCell: N=2, H=8, saturated gates',
    kernels: ['LSTMCell'],
    run: () => lstmCell(upload(scaled([2, 32], 92, 30)), randn([2, 8], { seed: 93 })),
    expected: () => expectDense(refCell(scaled([2, 32], 92, 30), randnValues([2, 8], 93))),
  },
  {
    name: 'lstmCell: size 0 (N=0)',
    kernels: ['LSTMCell'],
    run: () => lstmCell(zeros([0, 12]), zeros([0, 3])),
    expected: () => expectDense({ shape: [2, 0, 3], values: [] }),
  },
  {
    name: 'lstmCell: float64',
    kernels: ['LSTMCell'],
    dtypes: ['float64'],
    run: () => lstmCell(randn([2, 12], { seed: 94 }).cast('float64'), randn([2, 3], { seed: 95 }).cast('float64')),
    expected: () => ({ ...expectDense(refCell(randnValues([2, 12], 94), randnValues([2, 3], 95))), dtype: 'float64' }),
    tolerance: 1e-12,
  },
  {
    name: 'lstmCellBackward: N=3, H=6 (dgates, dc)',
    kernels: ['LSTMCellBackward'],
    run: () => backward(randn([2, 3, 6], { seed: 96 }), randn([3, 24], { seed: 97 }), randn([3, 6], { seed: 98 })),
    expected: () =>
      refCell(randnValues([3, 24], 97), randnValues([3, 6], 98), randnValues([2, 3, 6], 96)).map(expectDense),
  },
  {
    name: 'lstmCellBackward: size 0 (N=0)',
    kernels: ['LSTMCellBackward'],
    run: () => backward(zeros([2, 0, 4]), zeros([0, 16]), zeros([0, 4])),
    expected: () => [expectDense({ shape: [0, 16], values: [] }), expectDense({ shape: [0, 4], values: [] })],
  },
];
