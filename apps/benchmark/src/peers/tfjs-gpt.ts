/**
 * The char-GPT of apps/examples written in TensorFlow.js 4.22 ops: it has no attention, layer-norm or GELU layer
 * and no AdamW, so the model is the same graph spelled out (gather, moments, matMul, softmax, erf) and AdamW is
 * its Adam with the decoupled decay applied first, as torch.optim.AdamW does. Same weights, batches, clipping.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { useTf } from './tfjs';

type Tf = typeof tfTypes;
type T = tfTypes.Tensor;

/** What the GPT workload hands every library (see workloads/char-gpt.ts). */
export interface TfGptJob {
  config: { nLayer: number; nHead: number; nEmbd: number; blockSize: number; batchSize: number };
  vocabSize: number;
  weights: { name: string; shape: number[]; values: Float32Array }[];
  batches: Int32Array;
  optimizer: { lr: number; weightDecay: number; betas: [number, number]; gradClip: number };
}

/** Kernels the graph needs that this tfjs backend lacks (the cell is unavailable then). */
export function tfGptMissingKernels(tf: Tf, backend: string): string[] {
  return ['GatherV2', 'BatchMatMul', 'Softmax', 'Erf', 'Mean', 'UnsortedSegmentSum'].filter(
    (k) => !tf.getKernel(k, backend),
  );
}

/** A GPT trainer on the tfjs backend `backend`: loss of batch i without training; training over batches. */
export async function tfGptTrainer(backend: string, job: TfGptJob) {
  const tf = await useTf(backend);
  const { nLayer, nHead, nEmbd: e, batchSize: b, blockSize: t } = job.config;
  const v = Object.fromEntries(job.weights.map((w) => [w.name, tf.variable(tf.tensor(w.values, w.shape))]));
  const p = (name: string) => v[name] as T;
  const mask = tf.tensor2d(
    Array.from({ length: t * t }, (_, i) => (i % t > Math.floor(i / t) ? -1e9 : 0)),
    [t, t],
  );
  const layerNorm = (x: T, name: string) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x
      .sub(mean)
      .div(variance.add(1e-5).sqrt())
      .mul(p(`${name}.weight`))
      .add(p(`${name}.bias`));
  };
  const heads = (x: T) => x.reshape([b, t, nHead, e / nHead]).transpose([0, 2, 1, 3]);
  const loss = (x: T, y: T): tfTypes.Scalar =>
    tf.tidy(() => {
      let h = tf.gather(p('wte.weight'), x).add(tf.gather(p('wpe.weight'), tf.range(0, t, 1, 'int32')));
      for (let l = 0; l < nLayer; l++) {
        const n1 = layerNorm(h, `h.${l}.ln_1`).reshape([b * t, e]);
        const [q, k, vv] = tf.split(tf.matMul(n1, p(`h.${l}.attn.in_proj_weight`), false, true), 3, 1) as [T, T, T];
        const scores = tf
          .matMul(heads(q), heads(k), false, true)
          .mul(1 / Math.sqrt(e / nHead))
          .add(mask);
        const attended = tf
          .matMul(tf.softmax(scores), heads(vv))
          .transpose([0, 2, 1, 3])
          .reshape([b * t, e]);
        h = h.add(tf.matMul(attended, p(`h.${l}.attn.out_proj.weight`), false, true).reshape([b, t, e]));
        const n2 = layerNorm(h, `h.${l}.ln_2`).reshape([b * t, e]);
        const fc = tf.matMul(n2, p(`h.${l}.mlp.c_fc.weight`), false, true);
        const gelu = fc.mul(0.5).mul(tf.erf(fc.mul(Math.SQRT1_2)).add(1));
        h = h.add(tf.matMul(gelu, p(`h.${l}.mlp.c_proj.weight`), false, true).reshape([b, t, e]));
      }
      const logits = tf.matMul(layerNorm(h, 'ln_f').reshape([b * t, e]), p('wte.weight'), false, true);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y.reshape([-1]), job.vocabSize), logits) as tfTypes.Scalar;
    });
  const { lr, weightDecay, betas, gradClip } = job.optimizer;
  const optimizer = tf.train.adam(lr, betas[0], betas[1], 1e-8);
  const decayed = job.weights.filter((w) => w.shape.length >= 2).map((w) => v[w.name]!);
  const size = b * t;
  const batch = (i: number) => [
    tf.tensor2d(job.batches.subarray(2 * i * size, (2 * i + 1) * size), [b, t], 'int32'),
    tf.tensor2d(job.batches.subarray((2 * i + 1) * size, (2 * i + 2) * size), [b, t], 'int32'),
  ];
  const step = (x: T, y: T): number => {
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(x, y));
      const norm = tf.addN(Object.values(grads).map((g) => g.square().sum())).sqrt();
      const coef = tf.minimum(1, tf.div(gradClip, norm.add(1e-6)));
      // torch.optim.AdamW: p *= 1 - lr * weight_decay, then the Adam update.
      for (const d of decayed) d.assign(d.mul(1 - lr * weightDecay));
      optimizer.applyGradients(Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g.mul(coef)])));
      return value;
    });
    const out = value.dataSync()[0]!;
    value.dispose();
    return out;
  };
  return {
    loss: async (index: number) => {
      await useTf(backend);
      const [x, y] = batch(index) as [T, T];
      const value = loss(x, y);
      const out = (await value.data())[0]!;
      tf.dispose([x, y, value]);
      return out;
    },
    train: async (first: number, count: number) => {
      await useTf(backend);
      let last = Number.NaN;
      for (let i = first; i < first + count; i++) {
        const [x, y] = batch(i) as [T, T];
        last = step(x, y);
        tf.dispose([x, y]);
      }
      return last;
    },
    dispose: () => {
      tf.dispose([...Object.values(v), mask]);
      optimizer.dispose();
    },
  };
}
