/**
 * Fused optimizer updates. For float32 every intermediate is rounded (`round`), in
 * the order of the unfused ops, so the fused kernels give the same bits as PyTorch's single-tensor loops.
 */
import { type KernelFn, outputInfo } from '../../backend/interface';
import type { DType } from '../../types';
import { typedArrayFor } from '../../types';

const identity = (x: number): number => x;
/** Rounding to the dtype after each operation (float64 arithmetic is JS's own). */
const rounderFor = (dtype: DType): ((x: number) => number) => (dtype === 'float32' ? Math.fround : identity);

const adamUpdate: KernelFn<'AdamUpdate'> = ({ inputs, attrs, backend }) => {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = attrs;
  const { dtype, shape } = inputs.param;
  const r = rounderFor(dtype);
  const param = backend.readSync(inputs.param.dataId);
  const grad = backend.readSync(inputs.grad.dataId);
  const first = step === 1;
  const m = first ? grad : backend.readSync(inputs.m.dataId);
  const v = first ? grad : backend.readSync(inputs.v.dataId);
  const n = param.length;
  const outP = typedArrayFor(dtype, n);
  const outM = typedArrayFor(dtype, n);
  const outV = typedArrayFor(dtype, n);
  const decay = weightDecay !== 0;
  const pScale = r(1 - lr * weightDecay);
  const wd = r(weightDecay);
  const b1 = r(beta1);
  const oneMinusB1 = r(1 - beta1);
  const b2 = r(beta2);
  const oneMinusB2 = r(1 - beta2);
  const bias2Sqrt = r(Math.sqrt(1 - beta2 ** step));
  const epsR = r(eps);
  const negStepSize = r(-(lr / (1 - beta1 ** step)));
  for (let i = 0; i < n; i++) {
    let p = param[i]!;
    let g = grad[i]!;
    if (decay) {
      if (decoupled) p = r(p * pScale);
      else g = r(g + r(p * wd));
    }
    const gm = r(g * oneMinusB1);
    const mi = first ? gm : r(r(m[i]! * b1) + gm);
    const gg = r(r(g * oneMinusB2) * g);
    const vi = first ? gg : r(r(v[i]! * b2) + gg);
    const denom = r(r(r(Math.sqrt(vi)) / bias2Sqrt) + epsR);
    outP[i] = r(p + r(r(mi * negStepSize) / denom));
    outM[i] = mi;
    outV[i] = vi;
  }
  return [
    outputInfo(backend, outP, shape, dtype),
    outputInfo(backend, outM, shape, dtype),
    outputInfo(backend, outV, shape, dtype),
  ] as const;
};

const sgdUpdate: KernelFn<'SGDUpdate'> = ({ inputs, attrs, backend }) => {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
  const { dtype, shape } = inputs.param;
  const r = rounderFor(dtype);
  const param = backend.readSync(inputs.param.dataId);
  const grad = backend.readSync(inputs.grad.dataId);
  const withMomentum = momentum !== 0;
  const buf = withMomentum && !firstStep ? backend.readSync(inputs.buf.dataId) : grad;
  const n = param.length;
  const outP = typedArrayFor(dtype, n);
  const outBuf = withMomentum ? typedArrayFor(dtype, n) : null;
  const wd = r(weightDecay);
  const mom = r(momentum);
  const oneMinusDampening = r(1 - dampening);
  const lrR = r(lr);
  for (let i = 0; i < n; i++) {
    const p = param[i]!;
    let d = weightDecay !== 0 ? r(grad[i]! + r(p * wd)) : grad[i]!;
    if (outBuf !== null) {
      const b = firstStep ? d : r(r(buf[i]! * mom) + r(d * oneMinusDampening));
      outBuf[i] = b;
      d = nesterov ? r(d + r(b * mom)) : b;
    }
    outP[i] = r(p - r(d * lrR));
  }
  const bufOut = outBuf === null ? inputs.buf : outputInfo(backend, outBuf, shape, dtype);
  return [outputInfo(backend, outP, shape, dtype), bufOut] as const;
};

export const optimKernels = { AdamUpdate: adamUpdate, SGDUpdate: sgdUpdate };
