/** Regression losses: mean squared error (L2), mean absolute error (L1) and mean bias error. */
import { type Tensor, tidy } from '@nn/tensor';
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
