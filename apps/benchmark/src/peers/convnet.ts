/**
 * ConvNetJS 0.3.0 as a peer. It ships no types, so the small part used here is typed below and checked at
 * load. Its Trainer knows sgd/adagrad/windowgrad/adadelta only: any other `method` (including 'adam')
 * silently runs SGD with momentum 0.9. To train with the same Adam as everyone else, the harness drives
 * ConvNetJS's own forward/backward per sample (exactly what its Trainer does) and applies PyTorch's Adam to
 * its parameter and gradient arrays every batch, in plain JS like ConvNetJS's own update loop.
 */
import { createRequire } from 'node:module';
import {
  CLASSES,
  chwColumnsToHwc,
  LENET_FLAT,
  MODEL_PARAMS,
  type ModelKind,
  SAMPLE_SIZE,
  type Weights,
  weight,
} from '../models';
import { ADAM, type Library } from './library';

type Values = { [index: number]: number; length: number };

interface Vol {
  sx: number;
  sy: number;
  depth: number;
  w: Values;
}

interface Layer {
  layer_type: string;
  filters?: Vol[];
  biases?: Vol;
  out_act?: Vol;
}

interface ParamsAndGrads {
  params: Values;
  grads: Values;
}

interface Net {
  layers: Layer[];
  makeLayers(defs: readonly Record<string, number | string>[]): void;
  forward(input: Vol, isTraining?: boolean): Vol;
  /** Softmax cross-entropy backward for class `label`; returns -log p(label). Gradients accumulate. */
  backward(label: number): number;
  getParamsAndGrads(): ParamsAndGrads[];
}

interface ConvnetModule {
  Net: new () => Net;
  Vol: new (sx: number, sy: number, depth: number, fill: number) => Vol;
}

let loaded: ConvnetModule | null = null;

function convnetjs(): ConvnetModule {
  if (!loaded) {
    const module: unknown = createRequire(import.meta.url)('convnetjs');
    const candidate = module as Partial<ConvnetModule>;
    if (typeof candidate.Net !== 'function' || typeof candidate.Vol !== 'function') {
      throw new Error('convnetjs: module has no Net/Vol');
    }
    loaded = candidate as ConvnetModule;
  }
  return loaded;
}

function layerDefs(kind: ModelKind): Record<string, number | string>[] {
  if (kind === 'mlp') {
    return [
      { type: 'input', out_sx: 1, out_sy: 1, out_depth: 784 },
      { type: 'fc', num_neurons: 128, activation: 'relu' },
      { type: 'softmax', num_classes: CLASSES },
    ];
  }
  return [
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: CLASSES },
  ];
}

/** Copies the shared PyTorch-layout weights into ConvNetJS's per-filter volumes (channels-last). */
function loadWeights(net: Net, kind: ModelKind, weights: Weights): void {
  const layers = net.layers.filter((l) => l.layer_type === 'conv' || l.layer_type === 'fc');
  const specs = MODEL_PARAMS[kind];
  if (layers.length * 2 !== specs.length) throw new Error('convnetjs: unexpected layer structure');
  layers.forEach((layer, index) => {
    const wSpec = specs[2 * index]!;
    const w = weight(weights, wSpec.name);
    const b = weight(weights, specs[2 * index + 1]!.name);
    const filters = layer.filters!;
    const out = wSpec.shape[0]!;
    if (filters.length !== out) throw new Error(`convnetjs: layer ${index} has ${filters.length} filters, not ${out}`);
    if (wSpec.shape.length === 4) {
      const [, inC, kh, kw] = wSpec.shape as [number, number, number, number];
      for (let o = 0; o < out; o++)
        for (let c = 0; c < inC; c++)
          for (let y = 0; y < kh; y++)
            for (let x = 0; x < kw; x++) filters[o]!.w[(y * kw + x) * inC + c] = w[((o * inC + c) * kh + y) * kw + x]!;
    } else {
      const inF = wSpec.shape[1]!;
      const columns = kind === 'lenet' && inF === 400 ? chwColumnsToHwc(w, out, LENET_FLAT) : w;
      for (let o = 0; o < out; o++) for (let j = 0; j < inF; j++) filters[o]!.w[j] = columns[o * inF + j]!;
    }
    for (let o = 0; o < out; o++) layer.biases!.w[o] = b[o]!;
  });
}

/** PyTorch's Adam over ConvNetJS's parameter/gradient arrays; gradients are sums over the batch, then zeroed. */
function adam(net: Net): (batchSize: number) => void {
  const groups = net.getParamsAndGrads();
  const m = groups.map((g) => new Float64Array(g.params.length));
  const v = groups.map((g) => new Float64Array(g.params.length));
  let step = 0;
  return (batchSize) => {
    step++;
    const correction1 = 1 - ADAM.beta1 ** step;
    const correction2 = 1 - ADAM.beta2 ** step;
    groups.forEach(({ params, grads }, i) => {
      const mi = m[i]!;
      const vi = v[i]!;
      for (let j = 0; j < params.length; j++) {
        const g = grads[j]! / batchSize;
        mi[j] = ADAM.beta1 * mi[j]! + (1 - ADAM.beta1) * g;
        vi[j] = ADAM.beta2 * vi[j]! + (1 - ADAM.beta2) * g * g;
        params[j] = params[j]! - (ADAM.lr * (mi[j]! / correction1)) / (Math.sqrt(vi[j]! / correction2) + ADAM.eps);
        grads[j] = 0;
      }
    });
  };
}

export const convnetLibrary: Library = {
  label: 'convnetjs',
  crossEntropyLoss: true,
  unavailable: () => null,
  note: (_kind, task) =>
    task === 'train'
      ? 'per-sample forward/backward in float64; Adam applied by the harness (0.3.0 Trainer has no adam)'
      : 'per-sample forward in float64',
  createModel: async (kind, weights, train) => {
    const { Net, Vol } = convnetjs();
    const net = new Net();
    net.makeLayers(layerDefs(kind));
    loadWeights(net, kind, weights);
    const update = adam(net);
    const logitsLayer = net.layers[net.layers.length - 2]!;
    const volume = (images: Float32Array, index: number): Vol => {
      const vol = kind === 'mlp' ? new Vol(1, 1, 784, 0) : new Vol(28, 28, 1, 0);
      for (let i = 0; i < SAMPLE_SIZE; i++) vol.w[i] = images[index * SAMPLE_SIZE + i]!;
      return vol;
    };
    return {
      trainBatch: (start, count) => {
        let loss = 0;
        for (let i = start; i < start + count; i++) {
          net.forward(volume(train.images, i), true);
          loss += net.backward(train.labels[i]!);
        }
        update(count);
        return loss / count;
      },
      predict: (images, start, count) => {
        const logits = new Float32Array(count * CLASSES);
        for (let i = 0; i < count; i++) {
          net.forward(volume(images, start + i), false);
          const out = logitsLayer.out_act!.w;
          for (let c = 0; c < CLASSES; c++) logits[i * CLASSES + c] = out[c]!;
        }
        return logits;
      },
      dispose: () => undefined,
    };
  },
};
