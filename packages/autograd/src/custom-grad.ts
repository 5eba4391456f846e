/** customGrad: a function whose backward pass is written by hand (tf.customGrad, torch.autograd.Function). */
import { clone, describeValue, NNError, Tensor, ValueError } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { recordingTapes } from './grad';

/** What the function given to `customGrad` returns: the value, and the gradient of each input given dy. */
export interface CustomGradResult {
  value: Tensor;
  /**
   * One gradient per input (the input's shape), given the gradient `dy` of the value and the tape's copies of
   * `save`, in order (read those, not the tensors given in `save`: the forward's `tidy` may have freed them).
   */
  grad: (dy: Tensor, saved: readonly Tensor[]) => Tensor[];
  /**
   * Tensors computed in `f` that `grad` reads (torch's `ctx.save_for_backward`). Each tape that records the call
   * keeps a copy and releases it once its backward pass has passed the call, or when the tape is discarded
   * without reaching it (a `detach`ed branch, a value the loss does not use): nothing to dispose by hand.
   */
  save?: readonly Tensor[];
}

/**
 * A function whose forward pass is `f(...inputs).value` and whose backward pass is `f(...inputs).grad`; works
 * inside `grad`, `valueAndGrad` and optimizer closures, and nests. Tensors `grad` reads must outlive the forward
 * pass: list the ones `f` computes in `save` and read the copies `grad` is given.
 * @example
 * const straightThroughSign = customGrad((x: Tensor) => ({ value: x.greater(0).mul(2).sub(1), grad: (dy) => [dy] }));
 */
export function customGrad<Args extends Tensor[]>(
  f: (...inputs: Args) => CustomGradResult,
): (...inputs: Args) => Tensor {
  if (typeof f !== 'function') throw new ValueError(`customGrad: expected a function, got ${describeValue(f)}`);
  return (...inputs) => {
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new ValueError(`customGrad: input ${i} must be a Tensor, got ${describeValue(t)}`);
      }
    });
    // The forward computation is not recorded: the gradient comes from `grad`, not from its kernels.
    const result = engine.withoutRecording(() => f(...inputs));
    if (result === null || typeof result !== 'object' || !(result.value instanceof Tensor)) {
      throw new NNError(`customGrad: f must return { value: Tensor, grad }, got ${describeValue(result)}`);
    }
    if (typeof result.grad !== 'function') {
      throw new NNError(
        `customGrad: f must return { value, grad: (dy) => Tensor[] }, got grad ${describeValue(result.grad)}`,
      );
    }
    // The output needs an identity of its own on the tape, even when f returns one of its inputs.
    const output = inputs.includes(result.value) ? engine.withoutRecording(() => clone(result.value)) : result.value;
    for (const tape of recordingTapes()) tape.recordCustom(inputs, output, result.grad, result.save ?? []);
    return output;
  };
}
