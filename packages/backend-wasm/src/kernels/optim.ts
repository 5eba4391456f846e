/**
 * Fused optimizer updates and ReLU's backward pass in wasm (assembly/optim.ts), float32, split over threads
 * for large tensors like the other elementwise kernels. Scalars are passed as f32 (rounded like the unfused
 * ops' scalar tensors), so results are the same bits as the reference kernels.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import { parallelElementwise } from './parallel';
import { runReference } from './reference';

const adamUpdate: KernelFn<'AdamUpdate'> = (args) => {
  const { param, grad, m, v } = args.inputs;
  if (param.dtype !== 'float32') return runReference('AdamUpdate', args);
  const backend = args.backend as WasmBackend;
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = args.attrs;
  const n = sizeOf(param.shape);
  const outP = backend.output(param.shape, 'float32');
  const outM = backend.output(param.shape, 'float32');
  const outV = backend.output(param.shape, 'float32');
  const first = step === 1;
  const [p, g] = [backend.ptr(param), backend.ptr(grad)];
  // At step 1 the moments are not read: any valid pointer will do.
  const [mPtr, vPtr] = first ? [g, g] : [backend.ptr(m), backend.ptr(v)];
  const mode = weightDecay === 0 ? 0 : decoupled ? 2 : 1;
  const scalars = [
    1 - lr * weightDecay,
    weightDecay,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    Math.sqrt(1 - beta2 ** step),
    eps,
    -(lr / (1 - beta1 ** step)),
  ];
  parallelElementwise(backend, 'adamUpdate', n, (start, count) => {
    const at = start * 4;
    const [p0, m0, v0] = [outP.data.ptr + at, outM.data.ptr + at, outV.data.ptr + at];
    return [p + at, g + at, mPtr + at, vPtr + at, p0, m0, v0, count, mode, first ? 1 : 0, ...scalars];
  });
  return [outP.info, outM.info, outV.info] as const;
};

const sgdUpdate: KernelFn<'SGDUpdate'> = (args) => {
  const { param, grad, buf } = args.inputs;
  if (param.dtype !== 'float32') return runReference('SGDUpdate', args);
  const backend = args.backend as WasmBackend;
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = args.attrs;
  const n = sizeOf(param.shape);
  const outP = backend.output(param.shape, 'float32');
  const withMomentum = momentum !== 0;
  // With momentum 0 the buffer passes through unchanged (the engine shares its data).
  const outBuf: { info: TensorInfo; ptr: number } = withMomentum
    ? (({ info, data }) => ({ info, ptr: data.ptr }))(backend.output(param.shape, 'float32'))
    : { info: buf, ptr: 0 };
  const [p, g] = [backend.ptr(param), backend.ptr(grad)];
  const b = withMomentum && !firstStep ? backend.ptr(buf) : g;
  const flags = [weightDecay !== 0, withMomentum, firstStep, nesterov].map((f) => (f ? 1 : 0));
  const scalars = [weightDecay, momentum, 1 - dampening, lr];
  parallelElementwise(backend, 'sgdUpdate', n, (start, count) => {
    const at = start * 4;
    const bufOut = withMomentum ? outBuf.ptr + at : 0;
    return [p + at, g + at, b + at, outP.data.ptr + at, bufOut, count, ...flags, ...scalars];
  });
  return [outP.info, outBuf.info] as const;
};

const reluBackward: KernelFn<'ReluBackward'> = (args) => {
  const { dy, y } = args.inputs;
  if (dy.dtype !== 'float32') return runReference('ReluBackward', args);
  const backend = args.backend as WasmBackend;
  const { info, data } = backend.output(dy.shape, 'float32');
  const [dyPtr, yPtr] = [backend.ptr(dy), backend.ptr(y)];
  parallelElementwise(backend, 'reluBackward', sizeOf(dy.shape), (start, count) => [
    dyPtr + start * 4,
    yPtr + start * 4,
    data.ptr + start * 4,
    count,
  ]);
  return info;
};

export const optimKernels = { AdamUpdate: adamUpdate, SGDUpdate: sgdUpdate, ReluBackward: reluBackward };
