/** Recognising a digit with the demo's network (`lenet5()` of @nn/layers: ReLU and max-pooling). */

import { noGrad } from '@nn/autograd';
import { preprocessDigit } from '@nn/data';
import type { Sequential } from '@nn/layers';
import { type Tensor, tidy } from '@nn/tensor';

export interface DigitPrediction {
  digit: number;
  /** The ten class probabilities, digit 0 first. */
  probabilities: number[];
  /** The 28x28 MNIST-style image the model saw (white ink on black). */
  input: Float32Array;
}

/** Runs any digit image ([1, C, H, W] in [0, 1]) through MNIST preprocessing and the model. */
export async function recognise(model: Sequential, image: Tensor): Promise<DigitPrediction> {
  model.eval();
  const [probs, input] = tidy(() => {
    const x = preprocessDigit(image);
    return [noGrad(() => model.forward(x)).softmax(-1), x];
  });
  const probabilities = Array.from(await probs.data());
  const pixels = Float32Array.from(await input.data());
  probs.dispose();
  input.dispose();
  const digit = probabilities.indexOf(Math.max(...probabilities));
  return { digit, probabilities, input: pixels };
}

/** The top-k digits by probability, most likely first. */
export function topK(probabilities: readonly number[], k = 3): { digit: number; probability: number }[] {
  return probabilities
    .map((probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}
