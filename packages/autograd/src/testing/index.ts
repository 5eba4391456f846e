/**
 * @nn/autograd/testing: `gradcheck`, PyTorch's check of analytic gradients against central differences.
 * Imports the packages by name (not relative paths) so CJS and ESM builds share one engine.
 */
import { grad, noGrad } from '@nn/autograd';
import { DTypeError, NNError, Tensor, tensor, tidy, ValueError } from '@nn/tensor';

/** Step and tolerances of `gradcheck`. */
export interface GradcheckOptions {
  /** Step of the central differences. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance (relative to the numeric value). */
  rtol?: number;
}

/** Thrown when analytic and numeric gradients differ; the message reports the worst entry. */
export class GradcheckError extends NNError {
  override name = 'GradcheckError';
}

interface Worst {
  argument: number;
  index: number;
  analytic: number;
  numeric: number;
  excess: number;
}

/**
 * Checks the gradients of the scalar function `f` at float64 `inputs` against central differences
 * (|analytic - numeric| <= atol + rtol * |numeric| for every entry). Returns true, or throws a
 * GradcheckError naming the worst entry: argument, flat index, analytic and numeric values.
 * @example gradcheck((x, w) => x.matmul(w).sum(), [randn([2, 3], { dtype: 'float64' }), randn([3, 4], { dtype: 'float64' })]);
 */
export function gradcheck(
  f: (...args: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  { eps = 1e-6, atol = 1e-5, rtol = 1e-3 }: GradcheckOptions = {},
): boolean {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new ValueError('gradcheck: needs a non-empty list of inputs');
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`gradcheck: input ${i} must be a Tensor`);
    if (t.dtype !== 'float64') {
      throw new DTypeError(
        `gradcheck: input ${i} is ${t.dtype} [${t.shape.join(',')}]; gradcheck needs float64 inputs (central differences are too inexact in float32)`,
      );
    }
  });
  const analytic = tidy(() => grad(f)(...inputs)).map((g, i) => {
    const input = inputs[i]!;
    if (g.shape.length !== input.shape.length || g.shape.some((d, axis) => d !== input.shape[axis])) {
      throw new GradcheckError(
        `gradcheck: the gradient of input ${i} has shape [${g.shape}], not the input's [${input.shape}]`,
      );
    }
    const values = g.dataSync();
    g.dispose();
    return values;
  });
  let worst: Worst | null = null;
  inputs.forEach((input, argument) => {
    const base = input.dataSync();
    const derivative = analytic[argument]!;
    for (let index = 0; index < base.length; index++) {
      const numeric =
        (evaluate(f, inputs, argument, base, index, eps) - evaluate(f, inputs, argument, base, index, -eps)) /
        (2 * eps);
      const value = derivative[index]!;
      const excess = Math.abs(value - numeric) - (atol + rtol * Math.abs(numeric));
      if ((excess > 0 || Number.isNaN(excess)) && (worst === null || !(excess <= worst.excess))) {
        worst = { argument, index, analytic: value, numeric, excess };
      }
    }
  });
  if (worst !== null) {
    const { argument, index, analytic: a, numeric: n } = worst as Worst;
    throw new GradcheckError(
      `gradcheck: gradients differ for input ${argument} [${inputs[argument]!.shape.join(',')}] at flat index ${index}: ` +
        `analytic ${a}, numeric ${n} (|diff| ${Math.abs(a - n)} > atol ${atol} + rtol ${rtol} * |numeric|)`,
    );
  }
  return true;
}

/** f at the inputs with entry `index` of input `argument` shifted by `delta`. */
function evaluate(
  f: (...args: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  argument: number,
  base: ArrayLike<number>,
  index: number,
  delta: number,
): number {
  return noGrad(() =>
    tidy(() => {
      const shifted = Float64Array.from(base);
      shifted[index] = shifted[index]! + delta;
      const args = inputs.map((t, i) => (i === argument ? tensor(shifted, t.shape, 'float64') : t));
      const value = f(...args);
      if (!(value instanceof Tensor) || value.size !== 1) {
        throw new ValueError(
          `gradcheck: f must return a scalar Tensor, got ${value instanceof Tensor ? `shape [${value.shape.join(',')}]` : typeof value}`,
        );
      }
      return value.item();
    }),
  );
}
