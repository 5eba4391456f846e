/** PyTorch's default initialisations, drawn from a seedable generator (`manualSeed(0)` makes models reproducible). */
import { defaultGenerator, type Generator, keep, rand, type Tensor } from '@nn/tensor';

/** Options every layer with parameters accepts. */
export interface InitOptions {
  /** Draw the initial values from this generator instead of the default one. */
  generator?: Generator;
}

/** U(-bound, bound), kept alive past tidy scopes (it becomes a parameter). */
export function uniformParameter(shape: readonly number[], bound: number, generator?: Generator): Tensor {
  return keep(rand(shape, { low: -bound, high: bound, generator: generator ?? defaultGenerator }));
}

/**
 * The bound of PyTorch's default Linear/Conv init: kaiming_uniform(a = sqrt(5)) on the weight gives
 * gain sqrt(2 / (1 + 5)) * sqrt(3 / fanIn) = 1 / sqrt(fanIn), and the bias uses the same bound.
 */
export function fanInBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}
