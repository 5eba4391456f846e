/** Regression losses: mean squared error (L2), mean absolute error (L1), mean bias error, Huber and smooth L1. */
import { type OptionKeys, type Tensor, tidy, ValueError, where } from '@nn/tensor';
import { checkPair, type LossOptions, reduce, reductionOf } from './reduction';

/**
 * (prediction - target)^2, averaged by default.
 * @example mseLoss(tensor([1, 2]), tensor([1, 4])).item() // 2
 */
export function mseLoss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkPair('mseLoss', prediction, target);
  const reduction = reductionOf('mseLoss', options);
  return tidy(() => reduce(prediction.sub(target).square(), reduction));
}

/** |prediction - target|, averaged by default (the mean absolute error). */
export function l1Loss(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkPair('l1Loss', prediction, target);
  const reduction = reductionOf('l1Loss', options);
  return tidy(() => reduce(prediction.sub(target).abs(), reduction));
}

/** target - prediction, averaged by default: positive when the model under-predicts on average. */
export function meanBiasError(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkPair('meanBiasError', prediction, target);
  const reduction = reductionOf('meanBiasError', options);
  return tidy(() => reduce(target.sub(prediction), reduction));
}

/** Options of `huberLoss`. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, > 0). */
  delta?: number;
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, >= 0; 0 is the L1 loss). */
  beta?: number;
}

const HUBER_OPTIONS: OptionKeys<HuberLossOptions> = { reduction: true, delta: true };
const SMOOTH_L1_OPTIONS: OptionKeys<SmoothL1LossOptions> = { reduction: true, beta: true };

/**
 * 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = prediction - target (PyTorch's HuberLoss).
 * @example huberLoss(tensor([0, 3]), tensor([0.5, 0]), { reduction: 'none' }).toArray() // [0.125, 2.5]
 */
export function huberLoss(prediction: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  checkPair('huberLoss', prediction, target);
  const reduction = reductionOf('huberLoss', options, HUBER_OPTIONS);
  const delta = options.delta ?? 1;
  if (!(typeof delta === 'number' && delta > 0 && Number.isFinite(delta))) {
    throw new ValueError(`huberLoss: delta must be a finite number > 0, got ${String(delta)}`);
  }
  return tidy(() => reduce(piecewise(prediction.sub(target), delta, 0.5, delta), reduction));
}

/**
 * 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (PyTorch's SmoothL1Loss): huberLoss / beta.
 * @example smoothL1Loss(pred, target, { beta: 0.5 })
 */
export function smoothL1Loss(prediction: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  checkPair('smoothL1Loss', prediction, target);
  const reduction = reductionOf('smoothL1Loss', options, SMOOTH_L1_OPTIONS);
  const beta = options.beta ?? 1;
  if (!(typeof beta === 'number' && beta >= 0 && Number.isFinite(beta))) {
    throw new ValueError(`smoothL1Loss: beta must be a finite number >= 0, got ${String(beta)}`);
  }
  return tidy(() => {
    const d = prediction.sub(target);
    // beta = 0 is the L1 loss, as PyTorch (the quadratic piece would divide by zero).
    return reduce(beta === 0 ? d.abs() : piecewise(d, beta, 0.5 / beta, 1), reduction);
  });
}

/** `quadratic * d^2` where |d| < edge, else `linear * (|d| - edge / 2)`: Huber's shape, scaled. */
function piecewise(d: Tensor, edge: number, quadratic: number, linear: number): Tensor {
  const absolute = d.abs();
  return where(absolute.less(edge), d.square().mul(quadratic), absolute.sub(0.5 * edge).mul(linear));
}
