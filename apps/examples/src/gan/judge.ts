/**
 * The GAN's judge: the digit recognizer's LeNet-5 (`lenet5()` of @nn/layers). Reuses the model
 * `apps/digit-recognizer` saved (`pnpm --filter @nn/digit-recognizer train`) when there is one; otherwise trains
 * one with the digit recognizer's own `train` and default settings, which gives the same model.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '@nn/autograd';
import { loadModel, type Module } from '@nn/layers';
import { defaultGenerator, type Tensor, tidy } from '@nn/tensor';
import { DEFAULT_SETTINGS, train } from '../../../digit-recognizer/src/train';
import type { RunContext } from '../shared/example';

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

/**
 * `lenet5()` trained on the first `images` digits for `epochs` by apps/digit-recognizer's own `train` (src/train.ts,
 * its default settings), into a scratch directory it is loaded back from.
 */
async function trainJudge(images: number, epochs: number, context: RunContext) {
  const dir = await mkdtemp(join(tmpdir(), 'nn-gan-judge-'));
  try {
    const result = await train(dir, { ...DEFAULT_SETTINGS, trainSubset: images, epochs }, false);
    context.log(`judge: lenet5() trained here by the digit recognizer's train(), test accuracy ${result.testAccuracy}`);
    const n = images > 0 ? images : 'all';
    return { judge: await loadModel(dir), source: `apps/digit-recognizer's train() (${n} digits, ${epochs} epochs)` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
