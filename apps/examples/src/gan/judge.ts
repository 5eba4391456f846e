/**
 * The GAN's judge: the digit recognizer's LeNet-5 (`lenet5()` of @nn/layers). Reuses the model
 * `apps/digit-recognizer` saved (`pnpm --filter @nn/digit-recognizer train`) when there is one; otherwise trains
 * the same network here the way the digit recognizer does (its default settings: 3 epochs of Adam under a one-cycle
 * schedule peaking at 6e-3, batches of 128, random shifts, rotations and zooms, seed 0), which gives the same model.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '@nn/autograd';
import { randomAffine, TensorDataset } from '@nn/data';
import { crossEntropy, fit, lenet5, loadModel, type Module } from '@nn/layers';
import { Adam, OneCycleLR } from '@nn/optim';
import { defaultGenerator, manualSeed, type Tensor, tidy } from '@nn/tensor';
import type { RunContext } from '../shared/example';
import { mnist } from '../shared/mnist';

/** Where `apps/digit-recognizer` saves its trained model. */
export const RECOGNIZER_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../digit-recognizer/models/lenet5');

/**
 * The digit recognizer's saved LeNet-5 when `reuse` and present, else a LeNet-5 trained on `images` digits (0: all)
 * for `epochs` by the digit recognizer's recipe. Either way the global random stream is left as it was, so the GAN
 * that follows trains the same whichever judge it gets.
 */
export async function loadJudge(
  options: { reuse: boolean; images: number; epochs: number },
  context: RunContext,
): Promise<{ judge: Module; source: string }> {
  const state = defaultGenerator.getState();
  try {
    if (options.reuse && existsSync(join(RECOGNIZER_DIR, 'model.safetensors'))) {
      context.log(`judge: the digit recognizer's model in ${RECOGNIZER_DIR}`);
      return { judge: await loadModel(RECOGNIZER_DIR), source: 'apps/digit-recognizer/models/lenet5' };
    }
    return await trainJudge(options.images, options.epochs, context);
  } finally {
    defaultGenerator.setState(state);
  }
}

/** apps/digit-recognizer's training (src/train.ts, default settings) of `lenet5()` on the first `images` digits. */
async function trainJudge(images: number, epochs: number, context: RunContext) {
  manualSeed(0);
  const train = await mnist('train', images);
  const judge = lenet5();
  const optimizer = new Adam(judge.parameters(), { lr: 6e-3 });
  const stepsPerEpoch = Math.ceil(train.images.shape[0]! / 128);
  const history = await fit(judge, new TensorDataset(train.images, train.labels), {
    epochs,
    batchSize: 128,
    optimizer,
    loss: crossEntropy,
    metrics: ['accuracy'],
    seed: 0,
    verbose: false,
    scheduler: { scheduler: new OneCycleLR(optimizer, { maxLr: 6e-3, epochs, stepsPerEpoch }), interval: 'batch' },
    transform: randomAffine({ maxShift: 2, maxRotationDeg: 10, scale: [0.9, 1.1], seed: 0 }),
  });
  judge.eval();
  const accuracy = history.accuracy?.at(-1) ?? Number.NaN;
  const n = train.images.shape[0]!;
  context.log(`judge: lenet5() trained here on ${n} digits for ${epochs} epoch(s), training accuracy ${accuracy}`);
  return { judge, source: `lenet5() trained here as apps/digit-recognizer trains it (${n} digits, ${epochs} epochs)` };
}

/** What the judge makes of generated digits [N, 1, 28, 28]. */
export interface Verdict {
  /** Fraction of the samples the judge classifies with probability >= `threshold`. */
  confident: number;
  /** Per digit 0-9: the fraction of all samples the judge assigns to it. */
  digitShare: number[];
  /** Given the digit each sample was asked to be: the fraction the judge reads as that digit. */
  asked?: number;
}

/** Classifies `samples` with the judge (eval mode, no tape); `asked`: the digit each was asked to be, if any. */
export function judgeSamples(judge: Module, samples: Tensor, threshold = 0.9, asked?: readonly number[]): Verdict {
  judge.eval();
  const n = samples.shape[0]!;
  const probs = tidy(() =>
    noGrad(() => judge.forward(samples) as Tensor)
      .softmax(-1)
      .dataSync(),
  );
  const counts = new Array<number>(10).fill(0);
  let confident = 0;
  let asAsked = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (probs[i * 10 + c]! > probs[i * 10 + best]!) best = c;
    counts[best]!++;
    if (probs[i * 10 + best]! >= threshold) confident++;
    if (asked?.[i] === best) asAsked++;
  }
  const verdict = { confident: confident / n, digitShare: counts.map((c) => c / n) };
  return asked === undefined ? verdict : { ...verdict, asked: asAsked / n };
}
