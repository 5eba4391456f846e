/**
 * brain.js 1.6.1 as a peer, for the MLP only (it has no convolutions). Its NeuralNetwork cannot do the
 * reference job exactly: one activation for every layer (so the output is ReLU, no softmax), a squared-error
 * loss against the one-hot target, and an update after every sample (no batches). Its Adam ('praxis: adam')
 * is used with the same hyper-parameters. The cell says all this in its note.
 */
import { createRequire } from 'node:module';
import { CLASSES, SAMPLE_SIZE, weight } from '../models';
import { ADAM, type Library } from './library';

type Values = { [index: number]: number; length: number };

interface TrainingPattern {
  input: Float32Array;
  output: Float32Array;
}

interface NeuralNetwork {
  sizes: number[] | null;
  weights: Values[][];
  biases: Values[];
  updateTrainingOptions(options: Record<string, number | string>): void;
  initialize(): void;
  /** Forward, backward and one weight update for one sample; returns its mean squared error with `true`. */
  trainPattern(pattern: TrainingPattern, logErrorRate: true): number;
  run(input: Float32Array): Values;
}

interface BrainModule {
  NeuralNetwork: new (options: { hiddenLayers: number[]; activation: string }) => NeuralNetwork;
}

let loaded: BrainModule | null = null;

function brain(): BrainModule {
  if (!loaded) {
    const module: unknown = createRequire(import.meta.url)('brain.js');
    const candidate = module as Partial<BrainModule>;
    if (typeof candidate.NeuralNetwork !== 'function') throw new Error('brain.js: module has no NeuralNetwork');
    loaded = candidate as BrainModule;
  }
  return loaded;
}

export const brainLibrary: Library = {
  label: 'brain.js',
  crossEntropyLoss: false,
  unavailable: (kind) => (kind === 'lenet' ? 'no convolutional layers (fully connected networks only)' : null),
  note: (_kind, task) =>
    task === 'train'
      ? 'differs: ReLU output + squared error on one-hot (no softmax cross-entropy), Adam update per sample (no batches)'
      : undefined,
  createModel: async (_kind, weights, train) => {
    const net = new (brain().NeuralNetwork)({ hiddenLayers: [128], activation: 'relu' });
    net.sizes = [784, 128, CLASSES];
    net.updateTrainingOptions({
      praxis: 'adam',
      learningRate: ADAM.lr,
      beta1: ADAM.beta1,
      beta2: ADAM.beta2,
      epsilon: ADAM.eps,
      activation: 'relu',
    });
    net.initialize();
    const layers = [
      { w: weight(weights, '0.weight'), b: weight(weights, '0.bias'), out: 128, inF: 784 },
      { w: weight(weights, '2.weight'), b: weight(weights, '2.bias'), out: CLASSES, inF: 128 },
    ];
    layers.forEach(({ w, b, out, inF }, index) => {
      for (let o = 0; o < out; o++) {
        net.weights[index + 1]![o] = w.slice(o * inF, (o + 1) * inF);
        net.biases[index + 1]![o] = b[o]!;
      }
    });
    const target = (label: number) => {
      const oneHot = new Float32Array(CLASSES);
      oneHot[label] = 1;
      return oneHot;
    };
    return {
      trainBatch: (start, count) => {
        let loss = 0;
        for (let i = start; i < start + count; i++) {
          const input = train.images.subarray(i * SAMPLE_SIZE, (i + 1) * SAMPLE_SIZE);
          loss += net.trainPattern({ input, output: target(train.labels[i]!) }, true);
        }
        return loss / count;
      },
      predict: (images, start, count) => {
        const logits = new Float32Array(count * CLASSES);
        for (let i = 0; i < count; i++) {
          const out = net.run(images.subarray((start + i) * SAMPLE_SIZE, (start + i + 1) * SAMPLE_SIZE));
          for (let c = 0; c < CLASSES; c++) logits[i * CLASSES + c] = out[c]!;
        }
        return logits;
      },
      dispose: () => undefined,
    };
  },
};
