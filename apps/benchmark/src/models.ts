/**
 * The two models every library trains and runs (an MLP 784-128-10 and LeNet-5), their initial weights and
 * the MNIST slices they see. Weights are drawn once, in PyTorch's layout and default scheme
 * (U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases), and every library starts from those same values,
 * converted to its own layout: equal work, comparable accuracy, and an initial loss that must agree.
 */
import { loadMnistHost } from '@nn/data';
import { Generator } from '@nn/tensor';

export type ModelKind = 'mlp' | 'lenet';

export interface ParamSpec {
  /** PyTorch's `state_dict` name for the `Sequential` of API.md. */
  name: string;
  shape: readonly number[];
  fanIn: number;
}

/** Input shape of one sample, NCHW without N. */
export const SAMPLE_SHAPE: Record<ModelKind, readonly number[]> = { mlp: [784], lenet: [1, 28, 28] };
export const SAMPLE_SIZE = 784;
export const CLASSES = 10;

const linear = (index: number, inF: number, outF: number): ParamSpec[] => [
  { name: `${index}.weight`, shape: [outF, inF], fanIn: inF },
  { name: `${index}.bias`, shape: [outF], fanIn: inF },
];
const conv = (index: number, inC: number, outC: number, k: number): ParamSpec[] => [
  { name: `${index}.weight`, shape: [outC, inC, k, k], fanIn: inC * k * k },
  { name: `${index}.bias`, shape: [outC], fanIn: inC * k * k },
];

/**
 * Parameters in PyTorch order. MLP: Linear(784,128), ReLU, Linear(128,10). LeNet-5 (API.md): Conv2d(1,6,5,pad 2),
 * ReLU, MaxPool2d(2), Conv2d(6,16,5), ReLU, MaxPool2d(2), Flatten, Linear(400,120), ReLU, Linear(120,84), ReLU,
 * Linear(84,10).
 */
export const MODEL_PARAMS: Record<ModelKind, readonly ParamSpec[]> = {
  mlp: [...linear(0, 784, 128), ...linear(2, 128, 10)],
  lenet: [
    ...conv(0, 1, 6, 5),
    ...conv(3, 6, 16, 5),
    ...linear(7, 400, 120),
    ...linear(9, 120, 84),
    ...linear(11, 84, 10),
  ],
};

export const MODEL_TITLE: Record<ModelKind, string> = { mlp: 'MLP 784-128-10', lenet: 'LeNet-5' };

/** Parameter values by PyTorch name, in PyTorch layout. */
export type Weights = ReadonlyMap<string, Float32Array>;

/** PyTorch's default Linear/Conv initialisation, from a fixed seed: the same values for every library. */
export function initialWeights(kind: ModelKind, seed = 0): Weights {
  const generator = new Generator(seed);
  const weights = new Map<string, Float32Array>();
  for (const spec of MODEL_PARAMS[kind]) {
    const bound = 1 / Math.sqrt(spec.fanIn);
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = (generator.uniform() * 2 - 1) * bound;
    weights.set(spec.name, values);
  }
  return weights;
}

export function weight(weights: Weights, name: string): Float32Array {
  const values = weights.get(name);
  if (!values) throw new Error(`benchmark: no parameter '${name}'`);
  return values;
}

/** [out, in] -> [in, out] (a Dense kernel in TensorFlow.js). */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/**
 * Reorders the input columns of LeNet's first Linear from PyTorch's flatten order (c, y, x) to the
 * channels-last order (y, x, c) that TensorFlow.js and ConvNetJS flatten in. [out, c*h*w] -> [out, h*w*c].
 */
export function chwColumnsToHwc(data: Float32Array, out: number, [c, h, w]: readonly number[]): Float32Array {
  const size = c! * h! * w!;
  const result = new Float32Array(data.length);
  for (let o = 0; o < out; o++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++)
          result[o * size + (y * w! + x) * c! + ch] = data[o * size + (ch * h! + y) * w! + x]!;
  return result;
}

/** LeNet's flattened feature map before the first Linear: 16 channels of 5x5. */
export const LENET_FLAT: readonly number[] = [16, 5, 5];

/** The images and labels a workload uses, host-side (flat float32 pixels in [0, 1], int32 labels). */
export interface Split {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface MnistSlices {
  train: Split;
  test: Split;
}

/** The first `trainCount` training and `testCount` test images, in file order (no shuffle). */
export async function mnistSlices(trainCount: number, testCount: number): Promise<MnistSlices> {
  const slice = async (split: 'train' | 'test', count: number): Promise<Split> => {
    const host = await loadMnistHost(split);
    const images = host.images.data;
    const labels = host.labels.data;
    if (!(images instanceof Float32Array) || !(labels instanceof Int32Array)) {
      throw new Error('benchmark: loadMnist returned unexpected dtypes');
    }
    const n = Math.min(count, labels.length);
    return { images: images.subarray(0, n * SAMPLE_SIZE), labels: labels.subarray(0, n), count: n };
  };
  return { train: await slice('train', trainCount), test: await slice('test', testCount) };
}

/** Fraction of rows of `logits` ([n, 10], flat) whose argmax equals the label. */
export function accuracy(logits: ArrayLike<number>, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (logits[i * CLASSES + c]! > logits[i * CLASSES + best]!) best = c;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}
