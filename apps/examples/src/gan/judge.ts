/**
 * The GAN's judge: the digit recognizer's LeNet-5 (`lenet5()` of @nn/layers). Reuses the model
 * `apps/digit-recognizer` saved (`pnpm --filter @nn/digit-recognizer train`) when there is one; otherwise trains
 * the same network here with fit and Adam, the digit recognizer's optimizer.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '@nn/autograd';
import { crossEntropy, fit, lenet5, loadModel, type Module } from '@nn/layers';
import { Adam } from '@nn/optim';
import { type Tensor, tidy } from '@nn/tensor';
import type { RunContext } from '../shared/example';
import { mnist } from '../shared/mnist';

/** Where `apps/digit-recognizer` saves its trained model. */
export const RECOGNIZER_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../digit-recognizer/models/lenet5');

/** The digit recognizer's saved LeNet-5 when `reuse` and present, else a LeNet-5 trained on `images` digits. */
export async function loadJudge(
  options: { reuse: boolean; images: number; epochs: number },
  context: RunContext,
): Promise<{ judge: Module; source: string }> {
  if (options.reuse && existsSync(join(RECOGNIZER_DIR, 'model.safetensors'))) {
    context.log(`judge: the digit recognizer's model in ${RECOGNIZER_DIR}`);
    return { judge: await loadModel(RECOGNIZER_DIR), source: 'apps/digit-recognizer/models/lenet5' };
  }
  const train = await mnist('train', options.images);
  const judge = lenet5();
  const history = await fit(
    judge,
    { x: train.images, y: train.labels },
    {
      epochs: options.epochs,
      batchSize: 64,
      optimizer: new Adam(judge.parameters(), { lr: 2e-3 }),
      loss: crossEntropy,
      metrics: ['accuracy'],
      seed: 0,
      verbose: false,
    },
  );
  judge.eval();
  const accuracy = history.accuracy?.at(-1) ?? Number.NaN;
  context.log(`judge: lenet5() trained here on ${train.images.shape[0]} digits, training accuracy ${accuracy}`);
  return { judge, source: `lenet5() trained on ${train.images.shape[0]} digits for ${options.epochs} epoch(s)` };
}

/** What the judge makes of generated digits [N, 1, 28, 28]. */
export interface Verdict {
  /** Fraction of the samples the judge classifies with probability >= `threshold`. */
  confident: number;
  /** Per digit 0-9: the fraction of all samples the judge assigns to it. */
  digitShare: number[];
}

/** Classifies `samples` with the judge (eval mode, no tape). */
export function judgeSamples(judge: Module, samples: Tensor, threshold = 0.9): Verdict {
  judge.eval();
  const n = samples.shape[0]!;
  const probs = tidy(() =>
    noGrad(() => judge.forward(samples) as Tensor)
      .softmax(-1)
      .dataSync(),
  );
  const counts = new Array<number>(10).fill(0);
  let confident = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (probs[i * 10 + c]! > probs[i * 10 + best]!) best = c;
    counts[best]!++;
    if (probs[i * 10 + best]! >= threshold) confident++;
  }
  return { confident: confident / n, digitShare: counts.map((c) => c / n) };
}
