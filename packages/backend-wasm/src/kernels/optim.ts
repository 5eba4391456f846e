/**
 * Fused optimizer updates in wasm (assembly/optim.ts), split over threads for large tensors like the other
 * elementwise kernels. float32 only: the spec admits float tensors, and float64 ones stay on the CPU backend.
 * Scalars are passed as f32 (rounded like the unfused ops' scalar tensors), so results are the same bits as the
 * reference kernels.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import { parallelElementwise } from './parallel';

const adamUpdate: KernelFn<'AdamUpdate'> = (args) => {
  const { param, grad, m, v } = args.inputs;
  const backend = args.backend as WasmBackend;
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = args.attrs;
  const n = sizeOf(param.shape);
  const [pMeta, mMeta, vMeta] = args.outputs;
  const outP = backend.output(pMeta.shape, pMeta.dtype);
  const outM = backend.output(mMeta.shape, mMeta.dtype);
  const outV = backend.output(vMeta.shape, vMeta.dtype);
  const first = step === 1;
  const [p, g] = [backend.ptr(param), backend.ptr(grad)];
  // At step 1 the moments are not read: any valid pointer will do.
  const [mPtr, vPtr] = first ? [g, g] : [backend.ptr(m), backend.ptr(v)];
  const mode = weightDecay === 0 ? 0 : decoupled ? 2 : 1;
  // The AdamParams of assembly/optim.ts, field by field: nine f32 scalars, then mode and first.
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
  backend.withTemp(4 * (scalars.length + 2), (params) => {
    backend.heap.f32.set(scalars, params >>> 2);
    backend.heap.i32.set([mode, first ? 1 : 0], (params >>> 2) + scalars.length);
    parallelElementwise(backend, 'adamUpdate', n, (start, count) => {
      const at = start * 4;
      const [p0, m0, v0] = [outP.data.ptr + at, outM.data.ptr + at, outV.data.ptr + at];
      return [params, p + at, g + at, mPtr + at, vPtr + at, p0, m0, v0, count];
    });
  });
  return [outP.info, outM.info, outV.info] as const;
};

const sgdUpdate: KernelFn<'SGDUpdate'> = (args) => {
  const { param, grad, buf } = args.inputs;
  const backend = args.backend as WasmBackend;
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = args.attrs;
  const n = sizeOf(param.shape);
  const [pMeta, bufMeta] = args.outputs;
  const outP = backend.output(pMeta.shape, pMeta.dtype);
  const withMomentum = momentum !== 0;
  // With momentum 0 the buffer passes through unchanged (the engine shares its data).
  const outBuf: { info: TensorInfo; ptr: number } = withMomentum
    ? (({ info, data }) => ({ info, ptr: data.ptr }))(backend.output(bufMeta.shape, bufMeta.dtype))
    : { info: buf, ptr: 0 };
  const [p, g] = [backend.ptr(param), backend.ptr(grad)];
  const b = withMomentum && !firstStep ? backend.ptr(buf) : g;
  // The SgdParams of assembly/optim.ts, field by field: four f32 scalars, then four 0/1 flags.
  const scalars = [weightDecay, momentum, 1 - dampening, lr];
  const flags = [weightDecay !== 0, withMomentum, firstStep, nesterov].map((f) => (f ? 1 : 0));
  backend.withTemp(4 * (scalars.length + flags.length), (params) => {
    backend.heap.f32.set(scalars, params >>> 2);
    backend.heap.i32.set(flags, (params >>> 2) + scalars.length);
    parallelElementwise(backend, 'sgdUpdate', n, (start, count) => {
      const at = start * 4;
      const bufOut = withMomentum ? outBuf.ptr + at : 0;
      return [params, p + at, g + at, b + at, outP.data.ptr + at, bufOut, count];
    });
  });
  return [outP.info, outBuf.info] as const;
};

export const optimKernels = { AdamUpdate: adamUpdate, SGDUpdate: sgdUpdate };
