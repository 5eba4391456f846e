/**
 * A Bernoulli restricted Boltzmann machine, 784 visible x 128 hidden units, on binarised MNIST. Trained with
 * contrastive divergence (CD-1): the updates are written out by hand from the two phases' statistics, no autograd.
 */
import { DataLoader, TensorDataset } from '@nn/data';
import { concat, rand, randn, type Tensor, tidy, zeros } from '@nn/tensor';
import { type Example, type RunContext, writePicture, written } from '../shared/example';
import { mnist } from '../shared/mnist';
import { imageGridPng, normalisePerImage } from '../shared/pictures';

export interface RbmConfig {
  trainImages: number;
  epochs: number;
  batchSize: number;
  lr: number;
  /** Gibbs steps between two pictures of a sampling chain. */
  gibbsEvery: number;
}

const VISIBLE = 784;
const HIDDEN = 128;

/** The RBM's parameters: weight [784, 128], visible bias [784], hidden bias [128]. */
export interface Rbm {
  weight: Tensor;
  visibleBias: Tensor;
  hiddenBias: Tensor;
}

function hiddenProbabilities(rbm: Rbm, v: Tensor): Tensor {
  return v.matmul(rbm.weight).add(rbm.hiddenBias).sigmoid();
}

function visibleProbabilities(rbm: Rbm, h: Tensor): Tensor {
  return h.matmul(rbm.weight.transpose()).add(rbm.visibleBias).sigmoid();
}

/** A Bernoulli sample of each probability. */
function sample(p: Tensor): Tensor {
  return rand(p.shape).less(p);
}

/**
 * One CD-1 update on a batch v0 [N, 784]: positive statistics from the data, negative ones after one Gibbs step
 * (v0 -> h0 sampled -> p(v1) -> p(h1)). Returns the new parameters and the batch's reconstruction error
 * (mean squared difference per pixel between v0 and p(v1)).
 */
export function cd1(rbm: Rbm, v0: Tensor, lr: number): { rbm: Rbm; error: Tensor } {
  return tidy(() => {
    const n = v0.shape[0]!;
    const ph0 = hiddenProbabilities(rbm, v0);
    const pv1 = visibleProbabilities(rbm, sample(ph0));
    const ph1 = hiddenProbabilities(rbm, pv1);
    const positive = v0.transpose().matmul(ph0);
    const negative = pv1.transpose().matmul(ph1);
    return {
      rbm: {
        weight: rbm.weight.add(positive.sub(negative).mul(lr / n)),
        visibleBias: rbm.visibleBias.add(v0.sub(pv1).mean(0).mul(lr)),
        hiddenBias: rbm.hiddenBias.add(ph0.sub(ph1).mean(0).mul(lr)),
      },
      error: v0.sub(pv1).square().mean(),
    };
  });
}

function disposeRbm(rbm: Rbm): void {
  rbm.weight.dispose();
  rbm.visibleBias.dispose();
  rbm.hiddenBias.dispose();
}

/** Chains of block Gibbs sampling from `start` [C, 784]: p(v) after every `every` steps, `snapshots` times. */
function gibbsChains(rbm: Rbm, start: Tensor, snapshots: number, every: number): Tensor[] {
  const pictures: Tensor[] = [start];
  let v = start;
  for (let s = 0; s < snapshots; s++) {
    let pv = v;
    for (let k = 0; k < every; k++) {
      const next = tidy(() => {
        pv = visibleProbabilities(rbm, sample(hiddenProbabilities(rbm, v)));
        return [pv, sample(pv)] as const;
      });
      if (v !== start) v.dispose();
      if (k < every - 1) next[0].dispose();
      pv = next[0];
      v = next[1];
    }
    pictures.push(pv);
  }
  return pictures;
}

async function run(config: RbmConfig, context: RunContext) {
  const { images } = await mnist('train', config.trainImages);
  const binary = tidy(() => images.reshape([-1, VISIBLE]).greater(0.5));
  let rbm: Rbm = {
    weight: randn([VISIBLE, HIDDEN]).mul(0.01),
    visibleBias: zeros([VISIBLE]),
    hiddenBias: zeros([HIDDEN]),
  };
  const loader = new DataLoader(new TensorDataset(binary), { batchSize: config.batchSize, shuffle: true, seed: 0 });
  const epochErrors: number[] = [];
  let firstBatchError = Number.NaN;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    let sum = 0;
    let batches = 0;
    for await (const { x } of loader) {
      const step = cd1(rbm, x, config.lr);
      // Batches live in the backend's memory (wasm: its heap), which no garbage collector frees; a one-tensor
      // dataset's batch is one tensor (y is x).
      x.dispose();
      disposeRbm(rbm);
      rbm = step.rbm;
      const error = step.error.item();
      step.error.dispose();
      if (Number.isNaN(firstBatchError)) firstBatchError = error;
      sum += error;
      batches++;
    }
    epochErrors.push(sum / batches);
    context.log(`epoch ${epoch + 1}: reconstruction error ${epochErrors.at(-1)!.toFixed(5)} per pixel`);
  }

  const filters = normalisePerImage(rbm.weight.transpose().dataSync(), HIDDEN);
  const filtersPng = await writePicture(
    context,
    'filters.png',
    imageGridPng(filters, HIDDEN, { height: 28, width: 28, columns: 16, scale: 1 }),
  );
  const test = await mnist('test', 10);
  const start = tidy(() => test.images.reshape([-1, VISIBLE]).greater(0.5));
  const snapshots = gibbsChains(rbm, start, 9, config.gibbsEvery);
  // One row per chain: the test digit it started from, then p(v) after every `gibbsEvery` steps.
  const grid = tidy(() =>
    concat(
      snapshots.map((s) => s.reshape([10, 1, VISIBLE])),
      1,
    )
      .reshape([-1])
      .dataSync(),
  );
  const samplesPng = await writePicture(
    context,
    'gibbs-samples.png',
    imageGridPng(grid, 100, { height: 28, width: 28, columns: 10, scale: 2 }),
  );
  return {
    lossStart: firstBatchError,
    lossEnd: epochErrors.at(-1)!,
    metrics: Object.fromEntries(epochErrors.map((e, i) => [`reconstructionErrorEpoch${i + 1}`, e])),
    pictures: written(filtersPng, samplesPng),
  };
}

export const rbm: Example<RbmConfig> = {
  name: 'rbm',
  title: 'a Bernoulli RBM 784-128 trained with CD-1 by hand: its filters and Gibbs samples',
  full: { trainImages: 0, epochs: 10, batchSize: 100, lr: 0.1, gibbsEvery: 100 },
  quick: { trainImages: 3000, epochs: 3, batchSize: 50, lr: 0.1, gibbsEvery: 5 },
  run,
};
