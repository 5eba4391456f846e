/**
 * Max/average pooling (NCHW) and their gradients, in wasm, float32 (see assembly/pool.ts): the geometry is
 * `poolGeometry` of the spec's shapes. int32 runs on the reference kernels, declared in backend.ts.
 */
import type { Pool2DAttrs, Shape } from '@nn/tensor';
import { type KernelFn, type PoolGeometry, poolGeometry } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import type { ThreadCall } from '../threads/pool';
import { cpuFallback } from './fallback';
import { callsFor, parallelThresholds, splitRange } from './parallel';

/** Modes of assembly/pool.ts pool2d(). */
const MAX = 0;
const AVG = 1;
const MAX_BACKWARD = 2;
const AVG_BACKWARD = 3;

/** 2x2 windows, stride 2, no padding: the non-overlapping case with a dedicated kernel. */
function isPlain2x2(g: PoolGeometry): boolean {
  return (
    g.kernelHeight === 2 &&
    g.kernelWidth === 2 &&
    g.strideH === 2 &&
    g.strideW === 2 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === g.inHeight >> 1 &&
    g.outWidth === g.inWidth >> 1
  );
}

/**
 * Pools (or routes dy back through) the [N, C, H, W] `xShape` and its [N, C, oH, oW] `yShape`; `backward`:
 * the output is dx, of `xShape`.
 */
function pool(
  backend: WasmBackend,
  mode: number,
  xShape: Shape,
  yShape: Shape,
  attrs: Pool2DAttrs,
  src: number,
  dy: number,
) {
  const g = poolGeometry(xShape, yShape, attrs);
  const backward = mode === MAX_BACKWARD || mode === AVG_BACKWARD;
  const outShape = backward ? xShape : yShape;
  const { info, data } = backend.output(outShape, 'float32');
  const { planes, inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = g;
  const plain2x2 = (mode === MAX || mode === MAX_BACKWARD) && isPlain2x2(g);
  // Backward modes of the general kernel accumulate into dx.
  if (backward && !plain2x2) backend.heap.f32.fill(0, data.ptr >>> 2, (data.ptr >>> 2) + sizeOf(outShape));
  // Planes are independent: split them over the lanes when there is enough work.
  const inPlane = H * W * 4;
  const outPlane = oH * oW * 4;
  const calls = callsFor(backend, planes * H * W, 2 * parallelThresholds.poolElements);
  const { kernelHeight: kH, kernelWidth: kW, strideH: sH, strideW: sW, padTop, padLeft } = g;
  // The PoolShape of assembly/pool.ts, field by field.
  const words = [H, W, oH, oW, kH, kW, sH, sW, padTop, padLeft];
  backend.withTemp(words.length * 4, (shape) => {
    backend.heap.i32.set(words, shape >>> 2);
    const parts: ThreadCall[] = splitRange(planes, calls).map(([first, count]) => {
      const s = src === 0 ? 0 : src + first * inPlane;
      const d = dy === 0 ? 0 : dy + first * outPlane;
      const o = data.ptr + first * (backward ? inPlane : outPlane);
      if (plain2x2) return { fn: 'maxPool2x2', args: [mode, s, d, o, count, H, W] };
      return { fn: 'pool2d', args: [shape, mode, s, d, o, count] };
    });
    backend.parallel(parts);
  });
  return info;
}

const maxPool2D: KernelFn<'MaxPool2D'> = (args) => {
  const { x } = args.inputs;
  const [y] = args.outputs;
  if (y.dtype === 'int32') return cpuFallback('MaxPool2D', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, MAX, x.shape, y.shape, args.attrs, backend.ptr(x), 0);
};

const avgPool2D: KernelFn<'AvgPool2D'> = (args) => {
  const { x } = args.inputs;
  const [y] = args.outputs;
  if (y.dtype === 'int32') return cpuFallback('AvgPool2D', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, AVG, x.shape, y.shape, args.attrs, backend.ptr(x), 0);
};

const maxPool2DBackward: KernelFn<'MaxPool2DBackward'> = (args) => {
  const { dy, x } = args.inputs;
  if (dy.dtype === 'int32') return cpuFallback('MaxPool2DBackward', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, MAX_BACKWARD, x.shape, dy.shape, args.attrs, backend.ptr(x), backend.ptr(dy));
};

const avgPool2DBackward: KernelFn<'AvgPool2DBackward'> = (args) => {
  const { dy } = args.inputs;
  const [dx] = args.outputs;
  if (dy.dtype === 'int32') return cpuFallback('AvgPool2DBackward', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, AVG_BACKWARD, dx.shape, dy.shape, args.attrs, 0, backend.ptr(dy));
};

export const poolKernels = {
  MaxPool2D: maxPool2D,
  MaxPool2DBackward: maxPool2DBackward,
  AvgPool2D: avgPool2D,
  AvgPool2DBackward: avgPool2DBackward,
};
