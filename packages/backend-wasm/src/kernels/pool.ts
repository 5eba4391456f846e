/** Max/average pooling (NCHW) and their gradients, in wasm (see assembly/pool.ts). */
import type { Pool2DAttrs, Shape } from '@nn/tensor';
import { type KernelFn, windowOutputSize } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import type { ThreadCall } from '../threads/pool';
import { callsFor, parallelThresholds, splitRange } from './parallel';
import { runReference } from './reference';

/** Modes of assembly/pool.ts pool2d(). */
const MAX = 0;
const AVG = 1;
const MAX_BACKWARD = 2;
const AVG_BACKWARD = 3;

function geometry(xShape: Shape, { kernelSize, stride, padding }: Pool2DAttrs) {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [kH, kW] = kernelSize;
  const [sH, sW] = stride;
  const [padTop, padBottom, padLeft, padRight] = padding;
  const oH = windowOutputSize(H, kH, sH, padTop, padBottom);
  const oW = windowOutputSize(W, kW, sW, padLeft, padRight);
  return { N, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW };
}

/** 2x2 windows, stride 2, no padding: the non-overlapping case with a dedicated kernel. */
function isPlain2x2(g: ReturnType<typeof geometry>): boolean {
  return (
    g.kH === 2 &&
    g.kW === 2 &&
    g.sH === 2 &&
    g.sW === 2 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.oH === g.H >> 1 &&
    g.oW === g.W >> 1
  );
}

function pool(
  backend: WasmBackend,
  mode: number,
  xShape: Shape,
  attrs: Pool2DAttrs,
  src: number,
  dy: number,
  outShape: Shape | null,
) {
  const g = geometry(xShape, attrs);
  const { info, data } = backend.output(outShape ?? [g.N, g.C, g.oH, g.oW], 'float32');
  const planes = g.N * g.C;
  const plain2x2 = (mode === MAX || mode === MAX_BACKWARD) && isPlain2x2(g);
  // Backward modes of the general kernel accumulate into dx.
  if (outShape && !plain2x2) backend.heap.f32.fill(0, data.ptr >> 2, (data.ptr >> 2) + sizeOf(outShape));
  // Planes are independent: split them over the lanes when there is enough work.
  const inPlane = g.H * g.W * 4;
  const outPlane = g.oH * g.oW * 4;
  const calls = callsFor(backend, planes * g.H * g.W, 2 * parallelThresholds.poolElements);
  const parts: ThreadCall[] = splitRange(planes, calls).map(([first, count]) => {
    const s = src === 0 ? 0 : src + first * inPlane;
    const d = dy === 0 ? 0 : dy + first * outPlane;
    const o = data.ptr + first * (outShape ? inPlane : outPlane);
    if (plain2x2) return { fn: 'maxPool2x2', args: [mode, s, d, o, count, g.H, g.W] };
    // biome-ignore format: the argument list mirrors assembly/pool.ts pool2d()
    const args = [mode, s, d, o, count, g.H, g.W, g.oH, g.oW, g.kH, g.kW, g.sH, g.sW, g.padTop, g.padLeft];
    return { fn: 'pool2d', args };
  });
  backend.parallel(parts);
  return info;
}

const maxPool2D: KernelFn<'MaxPool2D'> = (args) => {
  const { x } = args.inputs;
  if (x.dtype !== 'float32') return runReference('MaxPool2D', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, MAX, x.shape, args.attrs, backend.ptr(x), 0, null);
};

const avgPool2D: KernelFn<'AvgPool2D'> = (args) => {
  const { x } = args.inputs;
  if (x.dtype !== 'float32') return runReference('AvgPool2D', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, AVG, x.shape, args.attrs, backend.ptr(x), 0, null);
};

const maxPool2DBackward: KernelFn<'MaxPool2DBackward'> = (args) => {
  const { dy, x } = args.inputs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return runReference('MaxPool2DBackward', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, MAX_BACKWARD, x.shape, args.attrs, backend.ptr(x), backend.ptr(dy), x.shape);
};

const avgPool2DBackward: KernelFn<'AvgPool2DBackward'> = (args) => {
  const { dy } = args.inputs;
  if (dy.dtype !== 'float32') return runReference('AvgPool2DBackward', args);
  const backend = args.backend as WasmBackend;
  return pool(backend, AVG_BACKWARD, args.attrs.xShape, args.attrs, 0, backend.ptr(dy), args.attrs.xShape);
};

export const poolKernels = {
  MaxPool2D: maxPool2D,
  MaxPool2DBackward: maxPool2DBackward,
  AvgPool2D: avgPool2D,
  AvgPool2DBackward: avgPool2DBackward,
};
