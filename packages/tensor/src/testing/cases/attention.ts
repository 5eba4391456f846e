/** The fused attention kernel and its backward, against naive float64 loops over the same seeded inputs. */
import { randn, scaledDotProductAttention, type Tensor, tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { type Dense, expectDense, randnValues } from '../reference';
import type { ConformanceCase } from '../types';

interface RefMask {
  /** [L, S] (shared by the batch): 0/1 keep flags, or additive values. */
  values: number[];
  additive: boolean;
}

/** Attention weights of batch entry b, row i (all 0 when every key is masked). */
function refWeights(
  q: Dense,
  k: Dense,
  b: number,
  i: number,
  scale: number,
  causal: boolean,
  mask?: RefMask,
): number[] {
  const [L, E] = q.shape.slice(-2) as [number, number];
  const S = k.shape.at(-2)!;
  const scores = Array.from({ length: S }, (_, j) => {
    if (causal && j > i) return Number.NEGATIVE_INFINITY;
    if (mask !== undefined && !mask.additive && mask.values[i * S + j] === 0) return Number.NEGATIVE_INFINITY;
    let dot = 0;
    for (let e = 0; e < E; e++) dot += q.values[(b * L + i) * E + e]! * k.values[(b * S + j) * E + e]!;
    return dot * scale + (mask?.additive ? mask.values[i * S + j]! : 0);
  });
  const max = Math.max(...scores);
  if (max === Number.NEGATIVE_INFINITY) return scores.map(() => 0);
  const e = scores.map((s) => Math.exp(s - max));
  const total = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / total);
}

/** The output [B, L, Ev], or with dy the gradients [dq, dk, dv] (from the textbook softmax Jacobian). */
function refAttention(q: Dense, k: Dense, v: Dense, scale: number, causal: boolean, mask?: RefMask): Dense;
function refAttention(
  q: Dense,
  k: Dense,
  v: Dense,
  scale: number,
  causal: boolean,
  mask: RefMask | undefined,
  dy: Dense,
): Dense[];
function refAttention(
  q: Dense,
  k: Dense,
  v: Dense,
  scale: number,
  causal: boolean,
  mask?: RefMask,
  dy?: Dense,
): Dense | Dense[] {
  const [L, E] = q.shape.slice(-2) as [number, number];
  const [S, Ev] = v.shape.slice(-2) as [number, number];
  const batch = q.values.length / (L * E);
  const out = new Array<number>(batch * L * Ev).fill(0);
  const [dq, dk, dv] = [q, k, v].map((t) => new Array<number>(t.values.length).fill(0)) as [
    number[],
    number[],
    number[],
  ];
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < L; i++) {
      const p = refWeights(q, k, b, i, scale, causal, mask);
      for (let j = 0; j < S; j++) {
        for (let e = 0; e < Ev; e++) out[(b * L + i) * Ev + e]! += p[j]! * v.values[(b * S + j) * Ev + e]!;
      }
      if (dy === undefined) continue;
      const dp = p.map((_, j) => {
        let d = 0;
        for (let e = 0; e < Ev; e++) d += dy.values[(b * L + i) * Ev + e]! * v.values[(b * S + j) * Ev + e]!;
        return d;
      });
      for (let j = 0; j < S; j++) {
        for (let e = 0; e < Ev; e++) dv[(b * S + j) * Ev + e]! += p[j]! * dy.values[(b * L + i) * Ev + e]!;
        // dS_j = sum_m dP_m * P_m * (delta_jm - P_j), times the scale of the scores.
        let ds = 0;
        for (let m = 0; m < S; m++) ds += dp[m]! * p[m]! * ((j === m ? 1 : 0) - p[j]!);
        ds = -ds * scale;
        for (let e = 0; e < E; e++) {
          dq[(b * L + i) * E + e]! -= ds * k.values[(b * S + j) * E + e]!;
          dk[(b * S + j) * E + e]! -= ds * q.values[(b * L + i) * E + e]!;
        }
      }
    }
  }
  if (dy === undefined) return { shape: [...q.shape.slice(0, -1), Ev], values: out };
  return [
    { shape: q.shape, values: dq },
    { shape: k.shape, values: dk },
    { shape: v.shape, values: dv },
  ];
}

const keep = [1, 0, 1, 0, 0, 0, 1, 1, 1];
const additive = [0, -1, Number.NEGATIVE_INFINITY, 0.5, 0, 2, Number.NEGATIVE_INFINITY, 0, -0.25];

function backward(
  dy: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  attrs: { scale: number; causal: boolean },
  mask?: Tensor,
) {
  return [
    ...engine.runKernelMulti('AttentionBackward', { dy, q, k, v, ...(mask === undefined ? {} : { mask }) }, attrs),
  ];
}

export const attentionCases: ConformanceCase[] = [
  {
    name: 'scaledDotProductAttention: no mask, E != Ev',
    kernels: ['Attention'],
    run: () =>
      scaledDotProductAttention(
        randn([2, 3, 4], { seed: 70 }),
        randn([2, 5, 4], { seed: 71 }),
        randn([2, 5, 2], { seed: 72 }),
      ),
    expected: () =>
      expectDense(
        refAttention(randnValues([2, 3, 4], 70), randnValues([2, 5, 4], 71), randnValues([2, 5, 2], 72), 0.5, false),
      ),
  },
  {
    name: 'scaledDotProductAttention: causal with a scale',
    kernels: ['Attention'],
    run: () =>
      scaledDotProductAttention(
        randn([1, 4, 3], { seed: 73 }),
        randn([1, 4, 3], { seed: 74 }),
        randn([1, 4, 3], { seed: 75 }),
        {
          isCausal: true,
          scale: 0.3,
        },
      ),
    expected: () =>
      expectDense(
        refAttention(randnValues([1, 4, 3], 73), randnValues([1, 4, 3], 74), randnValues([1, 4, 3], 75), 0.3, true),
      ),
  },
  {
    name: 'scaledDotProductAttention: int32 keep mask with an empty row (output 0)',
    kernels: ['Attention'],
    run: () =>
      scaledDotProductAttention(
        randn([2, 3, 2], { seed: 76 }),
        randn([2, 3, 2], { seed: 77 }),
        randn([2, 3, 2], { seed: 78 }),
        {
          // Masks at full shape (no broadcastTo on the device): webgpu's declared CPU fallback reads uploaded data only.
          attnMask: tensor([...keep, ...keep], [2, 3, 3], 'int32'),
        },
      ),
    expected: () =>
      expectDense(
        refAttention(
          randnValues([2, 3, 2], 76),
          randnValues([2, 3, 2], 77),
          randnValues([2, 3, 2], 78),
          Math.SQRT1_2,
          false,
          {
            values: keep,
            additive: false,
          },
        ),
      ),
  },
  {
    name: 'scaledDotProductAttention: additive float mask with -Infinity',
    kernels: ['Attention'],
    run: () =>
      scaledDotProductAttention(
        randn([1, 3, 2], { seed: 79 }),
        randn([1, 3, 2], { seed: 80 }),
        randn([1, 3, 3], { seed: 81 }),
        {
          attnMask: tensor(additive, [1, 3, 3]),
        },
      ),
    expected: () =>
      expectDense(
        refAttention(
          randnValues([1, 3, 2], 79),
          randnValues([1, 3, 2], 80),
          randnValues([1, 3, 3], 81),
          Math.SQRT1_2,
          false,
          {
            values: additive,
            additive: true,
          },
        ),
      ),
  },
  {
    name: 'scaledDotProductAttention: S = 9, E = 6, Ev = 5, additive mask (key blocks and tails)',
    kernels: ['Attention'],
    run: () =>
      scaledDotProductAttention(
        randn([2, 3, 6], { seed: 96 }),
        randn([2, 9, 6], { seed: 97 }),
        randn([2, 9, 5], { seed: 98 }),
        {
          attnMask: tensor([...randnValues([3, 9], 99).values, ...randnValues([3, 9], 99).values], [2, 3, 9]),
        },
      ),
    expected: () =>
      expectDense(
        refAttention(
          randnValues([2, 3, 6], 96),
          randnValues([2, 9, 6], 97),
          randnValues([2, 9, 5], 98),
          1 / Math.sqrt(6),
          false,
          {
            values: randnValues([3, 9], 99).values,
            additive: true,
          },
        ),
      ),
  },
  {
    name: 'scaledDotProductAttention: sequence length 1 returns v',
    kernels: ['Attention'],
    run: () =>
      scaledDotProductAttention(
        randn([3, 1, 4], { seed: 82 }),
        randn([3, 1, 4], { seed: 83 }),
        tensor([[[1, 2]], [[3, 4]], [[5, 6]]]),
      ),
    expected: [[[1, 2]], [[3, 4]], [[5, 6]]],
  },
  {
    name: 'attentionBackward: causal, against the softmax Jacobian',
    kernels: ['AttentionBackward'],
    run: () =>
      backward(
        randn([2, 3, 2], { seed: 84 }),
        randn([2, 3, 4], { seed: 85 }),
        randn([2, 3, 4], { seed: 86 }),
        randn([2, 3, 2], { seed: 87 }),
        { scale: 0.5, causal: true },
      ),
    expected: () =>
      refAttention(
        randnValues([2, 3, 4], 85),
        randnValues([2, 3, 4], 86),
        randnValues([2, 3, 2], 87),
        0.5,
        true,
        undefined,
        randnValues([2, 3, 2], 84),
      ).map(expectDense),
  },
  {
    name: 'attentionBackward: S = 6, E = 5, Ev = 9 (blocks of four keys and lanes, and their tails), causal',
    kernels: ['AttentionBackward'],
    run: () =>
      backward(
        randn([2, 7, 9], { seed: 92 }),
        randn([2, 7, 5], { seed: 93 }),
        randn([2, 6, 5], { seed: 94 }),
        randn([2, 6, 9], { seed: 95 }),
        { scale: 0.4, causal: true },
      ),
    expected: () =>
      refAttention(
        randnValues([2, 7, 5], 93),
        randnValues([2, 6, 5], 94),
        randnValues([2, 6, 9], 95),
        0.4,
        true,
        undefined,
        randnValues([2, 7, 9], 92),
      ).map(expectDense),
  },
  {
    name: 'attentionBackward: keep mask with an empty row, and an additive mask',
    kernels: ['AttentionBackward'],
    run: () => {
      const [q, k, v, dy] = [88, 89, 90, 91].map((seed) => randn([1, 3, 3], { seed })) as [
        Tensor,
        Tensor,
        Tensor,
        Tensor,
      ];
      const attrs = { scale: 0.8, causal: false };
      return [
        ...backward(dy, q, k, v, attrs, tensor(keep, [1, 3, 3], 'int32')),
        ...backward(dy, q, k, v, attrs, tensor(additive, [1, 3, 3])),
      ];
    },
    expected: () => {
      const [q, k, v, dy] = [88, 89, 90, 91].map((seed) => randnValues([1, 3, 3], seed)) as [
        Dense,
        Dense,
        Dense,
        Dense,
      ];
      return [
        ...refAttention(q, k, v, 0.8, false, { values: keep, additive: false }, dy),
        ...refAttention(q, k, v, 0.8, false, { values: additive, additive: true }, dy),
      ].map(expectDense);
    },
  },
];
