/**
 * 2-D convolution and its two gradients, entirely in wasm: per image an im2col (or col2im) into a temporary
 * column buffer and one call of the same GEMM as MatMul (see assembly/conv.ts).
 */
import { type Conv2DAttrs, type KernelFn, type Shape, shapeUtil, type TensorInfo } from '@nn/tensor';
import type { WasmBackend } from '../backend';
import type { ThreadCall } from '../threads/pool';
import { CALLS_PER_LANE, parallelThresholds, splitRange } from './parallel';
import { runReference } from './reference';

/** Modes of assembly/conv.ts conv2d(). */
const FORWARD = 0;
const FILTER_GRAD = 1;
const INPUT_GRAD = 2;
/** Op code of assembly/binary.ts binaryRun. */
const ADD = 0;
/** Large convolutions are cut into at least this many calls, whatever the threads, so results do not depend on them. */
const MIN_CALLS = 8;

function geometry(xShape: Shape, wShape: Shape, { stride, padding }: Conv2DAttrs) {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, , kH, kW] = wShape as [number, number, number, number];
  const [sH, sW] = stride;
  const [padTop, padBottom, padLeft, padRight] = padding;
  const oH = shapeUtil.windowOutputSize(H, kH, sH, padTop, padBottom);
  const oW = shapeUtil.windowOutputSize(W, kW, sW, padLeft, padRight);
  return { N, C, H, W, O, kH, kW, sH, sW, padTop, padLeft, oH, oW };
}

type Geometry = ReturnType<typeof geometry>;

/**
 * Runs assembly/conv.ts conv2d over runs of images, as calls the threads claim; each thread has its own
 * column buffer and GEMM scratch. The filter gradient (a sum over images) gets one partial sum per call after
 * the first, added into `out` in call order, so its rounding depends on the cut, never on the threads.
 */
function run(backend: WasmBackend, mode: number, a: TensorInfo, b: TensorInfo, out: number, g: Geometry): void {
  const patch = g.C * g.kH * g.kW;
  const pixels = g.oH * g.oW;
  // Mode FILTER_GRAD keeps a transposed [patch, O] gradient after the columns.
  const workBytes = (patch * pixels + (mode === FILTER_GRAD ? patch * g.O : 0)) * 4;
  const macs = g.N * g.O * patch * pixels;
  const parallel = macs >= parallelThresholds.gemmMacs && g.N > 1;
  const runs = splitRange(g.N, parallel ? Math.max(MIN_CALLS, CALLS_PER_LANE * backend.lanes()) : 1);
  const xImage = g.C * g.H * g.W * 4;
  const yImage = g.O * pixels * 4;
  const partialBytes = g.O * patch * 4;
  const partials: number[] = [];
  try {
    const calls: ThreadCall[] = runs.map(([first, count], i) => {
      let aPtr = backend.ptr(a);
      let bPtr = backend.ptr(b);
      let outPtr = out;
      if (mode === FORWARD) {
        aPtr += first * xImage;
        outPtr += first * yImage;
      } else if (mode === FILTER_GRAD) {
        aPtr += first * xImage;
        bPtr += first * yImage;
        if (i > 0) {
          outPtr = backend.heap.alloc(partialBytes);
          partials.push(outPtr);
        }
      } else {
        aPtr += first * yImage;
        outPtr += first * xImage;
      }
      // biome-ignore format: the argument list mirrors assembly/conv.ts conv2d()
      const args = [
        mode, aPtr, bPtr, outPtr,
        count, g.C, g.H, g.W, g.O, g.kH, g.kW, g.sH, g.sW, g.padTop, g.padLeft, g.oH, g.oW,
        0, 0,
      ];
      // The last two arguments are the running thread's column buffer and GEMM scratch.
      return { fn: 'conv2d', args, workArg: 17, scratchArg: 18 };
    });
    backend.parallel(calls, workBytes);
    for (const partial of partials) backend.exports.binaryRun(ADD, out, 1, partial, 1, out, g.O * patch);
  } finally {
    for (const partial of partials) backend.heap.release(partial, partialBytes);
  }
}

const conv2D: KernelFn<'Conv2D'> = (args) => {
  const { x, w } = args.inputs;
  if (x.dtype !== 'float32') return runReference('Conv2D', args);
  const backend = args.backend as WasmBackend;
  const g = geometry(x.shape, w.shape, args.attrs);
  const { info, data } = backend.output([g.N, g.O, g.oH, g.oW], 'float32');
  run(backend, FORWARD, x, w, data.ptr, g);
  return info;
};

const conv2DBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = (args) => {
  const { x, dy } = args.inputs;
  if (x.dtype !== 'float32') return runReference('Conv2DBackpropFilter', args);
  const backend = args.backend as WasmBackend;
  const g = geometry(x.shape, args.attrs.wShape, args.attrs);
  const { info, data } = backend.output(args.attrs.wShape, 'float32');
  run(backend, FILTER_GRAD, x, dy, data.ptr, g);
  return info;
};

const conv2DBackpropInput: KernelFn<'Conv2DBackpropInput'> = (args) => {
  const { dy, w } = args.inputs;
  if (dy.dtype !== 'float32') return runReference('Conv2DBackpropInput', args);
  const backend = args.backend as WasmBackend;
  const g = geometry(args.attrs.xShape, w.shape, args.attrs);
  const { info, data } = backend.output(args.attrs.xShape, 'float32');
  run(backend, INPUT_GRAD, dy, w, data.ptr, g);
  return info;
};

export const convKernels = {
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
};
