/** Fused optimizer updates (AdamUpdate, SGDUpdate), against plain loops of their formulas. */
import { type AdamUpdateAttrs, adamUpdate, type DType, type SGDUpdateAttrs, sgdUpdate, tensor } from '@nn/tensor';
import { type Dense, randnValues, randValues } from '../reference';
import type { ConformanceCase, ExpectedTensor } from '../types';

type Round = (x: number) => number;
const exact: Round = (x) => x;

/** The Adam formula of the contract, one element at a time; `r` rounds after every operation (or not). */
function refAdam(p: number, g: number, m: number, v: number, a: AdamUpdateAttrs, r: Round): [number, number, number] {
  if (a.weightDecay !== 0) {
    if (a.decoupled) p = r(p * r(1 - a.lr * a.weightDecay));
    else g = r(g + r(p * r(a.weightDecay)));
  }
  const gm = r(g * r(1 - a.beta1));
  const m1 = a.step === 1 ? gm : r(r(m * r(a.beta1)) + gm);
  const gg = r(r(g * r(1 - a.beta2)) * g);
  const v1 = a.step === 1 ? gg : r(r(v * r(a.beta2)) + gg);
  const denom = r(r(r(Math.sqrt(v1)) / r(Math.sqrt(1 - a.beta2 ** a.step))) + r(a.eps));
  const stepSize = r(-(a.lr / (1 - a.beta1 ** a.step)));
  return [r(p + r(r(m1 * stepSize) / denom)), m1, v1];
}

function refSgd(p: number, g: number, buf: number, a: SGDUpdateAttrs, r: Round): [number, number] {
  let d = a.weightDecay !== 0 ? r(g + r(p * r(a.weightDecay))) : g;
  let b = buf;
  if (a.momentum !== 0) {
    b = a.firstStep ? d : r(r(buf * r(a.momentum)) + r(d * r(1 - a.dampening)));
    d = a.nesterov ? r(d + r(b * r(a.momentum))) : b;
  }
  return [r(p - r(d * r(a.lr))), b];
}

interface Inputs {
  shape: number[];
  lists: number[][];
}

/** Seeded inputs: normal values, except the last list (Adam's v) which must be non-negative. */
function inputs(shape: number[], count: number, seed: number, lastPositive: boolean): Inputs {
  const lists = Array.from({ length: count }, (_, k): number[] => {
    const d: Dense = lastPositive && k === count - 1 ? randValues(shape, seed + k, 0, 2) : randnValues(shape, seed + k);
    return d.values;
  });
  return { shape, lists };
}

function expectOutputs(shape: number[], outputs: number[][]): ExpectedTensor[] {
  return outputs.map((values) => ({ shape, values }));
}

const ADAM: AdamUpdateAttrs = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
  step: 1,
};

function adamCase(
  name: string,
  shape: number[],
  attrs: AdamUpdateAttrs,
  dtype: DType,
  rounded: boolean,
): ConformanceCase {
  const { lists } = inputs(shape, 4, 11, true);
  const r: Round = rounded && dtype === 'float32' ? Math.fround : exact;
  return {
    name: `adamUpdate: ${name}`,
    kernels: ['AdamUpdate'],
    ...(dtype === 'float64' ? { dtypes: ['float64'] as const } : {}),
    ...(dtype === 'float64' ? { tolerance: 1e-12 } : {}),
    run: () => {
      const [p, g, m, v] = lists.map((values) => tensor(values, shape, dtype)) as [never, never, never, never];
      return adamUpdate(p, g, m, v, attrs);
    },
    expected: () => {
      const outs: number[][] = [[], [], []];
      lists[0]!.forEach((p, i) => {
        const res = refAdam(p, lists[1]![i]!, lists[2]![i]!, lists[3]![i]!, attrs, r);
        res.forEach((value, k) => {
          outs[k]!.push(value);
        });
      });
      return expectOutputs(shape, outs);
    },
  };
}

function sgdCase(
  name: string,
  shape: number[],
  attrs: SGDUpdateAttrs,
  dtype: DType,
  rounded: boolean,
): ConformanceCase {
  const { lists } = inputs(shape, 3, 5, false);
  const r: Round = rounded && dtype === 'float32' ? Math.fround : exact;
  return {
    name: `sgdUpdate: ${name}`,
    kernels: ['SGDUpdate'],
    ...(dtype === 'float64' ? { dtypes: ['float64'] as const, tolerance: 1e-12 } : {}),
    run: () => {
      const [p, g, b] = lists.map((values) => tensor(values, shape, dtype)) as [never, never, never];
      return sgdUpdate(p, g, b, attrs);
    },
    expected: () => {
      const outs: number[][] = [[], []];
      lists[0]!.forEach((p, i) => {
        const res = refSgd(p, lists[1]![i]!, lists[2]![i]!, attrs, r);
        res.forEach((value, k) => {
          outs[k]!.push(value);
        });
      });
      return expectOutputs(shape, outs);
    },
  };
}

const SGD: SGDUpdateAttrs = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false };

export const optimCases: ConformanceCase[] = [
  adamCase('first step (moments not read)', [3, 5], ADAM, 'float32', false),
  adamCase(
    'step 4, L2 weight decay, float32-rounded reference',
    [7, 9],
    { ...ADAM, step: 4, weightDecay: 0.01 },
    'float32',
    true,
  ),
  adamCase(
    'AdamW step 2, decoupled decay, float32-rounded reference',
    [33],
    { ...ADAM, step: 2, weightDecay: 0.1, decoupled: true },
    'float32',
    true,
  ),
  adamCase(
    'first step, float32-rounded reference',
    [2, 3, 4],
    { ...ADAM, lr: 0.05, beta1: 0.8, eps: 1e-6 },
    'float32',
    true,
  ),
  adamCase(
    'large (threads), step 7, float32-rounded reference',
    [70001],
    { ...ADAM, step: 7, weightDecay: 1e-4 },
    'float32',
    true,
  ),
  adamCase('float64, step 3, weight decay', [4, 6], { ...ADAM, step: 3, weightDecay: 0.02 }, 'float64', false),
  adamCase('empty', [0, 3], { ...ADAM, step: 2 }, 'float32', false),
  sgdCase('no momentum: buffer passes through', [4, 5], SGD, 'float32', true),
  sgdCase(
    'momentum, first step: buffer = gradient',
    [3, 7],
    { ...SGD, momentum: 0.9, firstStep: true },
    'float32',
    true,
  ),
  sgdCase(
    'momentum + dampening + weight decay, float32-rounded reference',
    [41],
    { ...SGD, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
    'float32',
    true,
  ),
  sgdCase(
    'nesterov, large (threads), float32-rounded reference',
    [70001],
    { ...SGD, momentum: 0.8, nesterov: true, weightDecay: 1e-3 },
    'float32',
    true,
  ),
  sgdCase('nesterov, float64', [5, 5], { ...SGD, momentum: 0.5, nesterov: true, weightDecay: 0.1 }, 'float64', false),
  sgdCase('empty', [0], { ...SGD, momentum: 0.9 }, 'float32', false),
];
