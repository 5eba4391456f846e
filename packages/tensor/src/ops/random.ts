/**
 * Random sampling from tensors of probabilities: bernoulli, multinomial, randint. Like `rand` and `randn`, values
 * are drawn here in JS from a `Generator` (a `seed`, a given `generator`, or the global one) and then uploaded, so
 * a seed gives the same samples on every backend.
 */
import { engine } from '../engine';
import { DTypeError, ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { allocate } from '../util/allocate';
import { describeValue } from '../util/options';
import { defaultGenerator, Generator } from '../util/random';
import { assertValidShape } from '../util/shape';
import { assertTensor, scalar } from './create';

/** Options of the sampling ops (`bernoulli`, `multinomial`, `randint`): a seed or a generator. */
export interface SamplingOptions {
  /** Same seed, same samples, on every run and backend. */
  seed?: number;
  /** Draw from this generator (its state advances) instead of the global one. */
  generator?: Generator;
}

function generatorOf(op: string, options: SamplingOptions): Generator {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${op}: options must be an object, got ${describeValue(options)}`);
  }
  const { seed, generator } = options;
  if (generator !== undefined && !(generator instanceof Generator)) {
    throw new ValueError(`${op}: generator must be a Generator, got ${describeValue(generator)}`);
  }
  if (seed !== undefined) return new Generator(seed);
  return generator ?? defaultGenerator;
}

/**
 * 1 with probability p, else 0, elementwise (p's shape and dtype), as `torch.bernoulli`.
 * @example bernoulli(full([2, 3], 0.5), { seed: 1 })
 */
export function bernoulli(p: Tensor | number, options: SamplingOptions = {}): Tensor {
  const probs = typeof p === 'number' ? scalar(p) : p;
  assertTensor('bernoulli', probs, 'p');
  if (probs.dtype === 'int32') throw new DTypeError(`bernoulli: p must be float, got int32 [${probs.shape}]`);
  const generator = generatorOf('bernoulli', options);
  const values = engine.readSync(probs);
  const out = allocate('bernoulli', probs.shape, probs.dtype);
  for (let i = 0; i < values.length; i++) {
    const pi = values[i]!;
    if (!(pi >= 0 && pi <= 1)) throw new ValueError(`bernoulli: probabilities must be in [0, 1], got ${pi}`);
    out[i] = generator.uniform() < pi ? 1 : 0;
  }
  if (typeof p === 'number') probs.dispose();
  return engine.makeTensor(out, probs.shape, probs.dtype, true, 'bernoulli');
}

/**
 * `numSamples` category indices per row of `probs` ([C] or [N, C], non-negative weights, not necessarily
 * normalised), int32, as `torch.multinomial`; without replacement each index is drawn at most once per row.
 * @example multinomial(tensor([0.1, 0.6, 0.3]), 2, { seed: 3 })
 */
export function multinomial(
  probs: Tensor,
  numSamples: number,
  options: SamplingOptions & { replacement?: boolean } = {},
): Tensor {
  assertTensor('multinomial', probs, 'probs');
  if (probs.rank !== 1 && probs.rank !== 2) {
    throw new ShapeError(`multinomial: probs must be [C] or [N, C], got [${probs.shape}]`);
  }
  if (probs.dtype === 'int32') throw new DTypeError(`multinomial: probs must be float, got int32 [${probs.shape}]`);
  const { replacement = false } = options;
  const categories = probs.shape[probs.rank - 1]!;
  if (!Number.isInteger(numSamples) || numSamples < 1) {
    throw new ValueError(`multinomial: numSamples must be a positive integer, got ${describeValue(numSamples)}`);
  }
  if (!replacement && numSamples > categories) {
    throw new ValueError(
      `multinomial: cannot draw ${numSamples} samples without replacement from ${categories} categories`,
    );
  }
  const generator = generatorOf('multinomial', options);
  const values = engine.readSync(probs);
  const rows = probs.rank === 1 ? 1 : probs.shape[0]!;
  const out = new Int32Array(rows * numSamples);
  const weights = new Float64Array(categories);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    let positive = 0;
    for (let c = 0; c < categories; c++) {
      const w = values[r * categories + c]!;
      if (!(w >= 0) || w === Number.POSITIVE_INFINITY) {
        throw new ValueError(`multinomial: probabilities must be finite and >= 0, got ${w} in row ${r}`);
      }
      weights[c] = w;
      total += w;
      if (w > 0) positive++;
    }
    if (total === 0) throw new ValueError(`multinomial: row ${r} of probs sums to 0`);
    if (!replacement && positive < numSamples) {
      throw new ValueError(
        `multinomial: row ${r} has ${positive} categories of nonzero probability, fewer than ${numSamples} samples without replacement`,
      );
    }
    for (let s = 0; s < numSamples; s++) {
      const c = drawCategory(weights, total, generator);
      out[r * numSamples + s] = c;
      if (!replacement) {
        total -= weights[c]!;
        weights[c] = 0;
      }
    }
  }
  const shape = probs.rank === 1 ? [numSamples] : [rows, numSamples];
  return engine.makeTensor(out, shape, 'int32', true, 'multinomial');
}

/** An index drawn with probability weights[c] / total (the last positive one if rounding runs past the end). */
function drawCategory(weights: Float64Array, total: number, generator: Generator): number {
  const target = generator.uniform() * total;
  let acc = 0;
  let last = 0;
  for (let c = 0; c < weights.length; c++) {
    if (weights[c]! <= 0) continue;
    acc += weights[c]!;
    last = c;
    if (target < acc) return c;
  }
  return last;
}

/**
 * Integers uniform in [low, high) of `shape`, int32, as `torch.randint`.
 * @example randint(0, 10, [2, 3], { seed: 4 })
 */
export function randint(low: number, high: number, shape: readonly number[], options: SamplingOptions = {}): Tensor {
  for (const [name, value] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31) {
      throw new ValueError(`randint: ${name} must be an int32 integer, got ${describeValue(value)}`);
    }
  }
  if (high <= low) throw new ValueError(`randint: high (${high}) must be greater than low (${low})`);
  assertValidShape('randint', shape);
  const generator = generatorOf('randint', options);
  const out = allocate('randint', shape, 'int32');
  const range = high - low;
  for (let i = 0; i < out.length; i++) out[i] = low + generator.int(range);
  return engine.makeTensor(out, shape, 'int32', true, 'randint');
}
