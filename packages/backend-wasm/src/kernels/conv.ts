/**
 * 2-D convolution and its two gradients, entirely in wasm: per image an im2col (or col2im) into a temporary
 * column buffer and one call of the same GEMM as MatMul (see assembly/conv.ts).
 */
import type { Conv2DAttrs, Shape, TensorInfo } from '@nn/tensor';
import { type KernelFn, windowOutputSize } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import type { ThreadCall } from '../threads/pool';
import { CALLS_PER_LANE, parallelThresholds, splitRange } from './parallel';
import { runReference } from './reference';

/** Modes of assembly/conv.ts conv2d() (directConv() takes FORWARD / FILTER_GRAD + DIRECT). */
const FORWARD = 0;
const FILTER_GRAD = 1;
const INPUT_GRAD = 2;
const DIRECT = 3;
/** Op code of assembly/binary.ts binaryRun. */
const ADD = 0;
/** Large convolutions are cut into at least this many calls, whatever the threads, so results do not depend on them. */
const MIN_CALLS = 8;

function geometry(xShape: Shape, wShape: Shape, { stride, padding }: Conv2DAttrs) {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, , kH, kW] = wShape as [number, number, number, number];
  const [sH, sW] = stride;
  const [padTop, padBottom, padLeft, padRight] = padding;
  const oH = windowOutputSize(H, kH, sH, padTop, padBottom);
  const oW = windowOutputSize(W, kW, sW, padLeft, padRight);
  return { N, C, H, W, O, kH, kW, sH, sW, padTop, padLeft, oH, oW };
}

type Geometry = ReturnType<typeof geometry>;

/**
 * Whether the direct loops (assembly/conv.ts directConv) beat im2col + GEMM: stride 1, forward or filter
 * gradient, and few enough channels that the GEMM's panels would be mostly edges and its packing would cost
 * as much as the arithmetic (LeNet's layers; measured in bench/conv.mjs).
 */
export function useDirect(mode: number, g: Geometry): boolean {
  if (g.sH !== 1 || g.sW !== 1) return false;
  // The input gradient convolves dy (O channels) into C outputs; it pads dy by kH-1-padTop, which must be >= 0.
  // When the output is much smaller than the input ('valid' padding), most of those taps multiply padding
  // zeros and col2im's GEMM, which skips them, wins (LeNet's 6->16: 0.8x).
  if (mode === INPUT_GRAD) {
    if (g.padTop >= g.kH || g.padLeft >= g.kW || g.oH * g.oW * 5 < g.H * g.W * 4) return false;
    return g.O * g.kH * g.kW <= directLimits.patch && g.C <= directLimits.channels;
  }
  return g.C * g.kH * g.kW <= directLimits.patch && g.O <= directLimits.channels;
}

/** Largest patch (C*kH*kW) and output channel count the direct loops take; mutable for tests and benches. */
export const directLimits = { patch: 512, channels: 64 };

/**
 * Runs assembly/conv.ts conv2d over runs of images, as calls the threads claim; each thread has its own
 * column buffer and GEMM scratch. The filter gradient (a sum over images) gets one partial sum per call after
 * the first, added into `out` in call order, so its rounding depends on the cut, never on the threads.
 */
function run(backend: WasmBackend, mode: number, a: TensorInfo, b: TensorInfo, out: number, g: Geometry): void {
  const patch = g.C * g.kH * g.kW;
  const pixels = g.oH * g.oW;
  const direct = useDirect(mode, g);
  // im2col's columns, and for FILTER_GRAD a transposed [patch, O] gradient after them.
  const workBytes = direct
    ? (mode === INPUT_GRAD
        ? backend.exports.directConvWorkFloats(g.O, g.C, g.kH, g.kW, g.H, g.W)
        : backend.exports.directConvWorkFloats(g.C, g.O, g.kH, g.kW, g.oH, g.oW)) * 4
    : (patch * pixels + (mode === FILTER_GRAD ? patch * g.O : 0)) * 4;
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
      if (direct) {
        // biome-ignore format: the argument list mirrors assembly/conv.ts directConv()
        const args = [
          mode + DIRECT, aPtr, bPtr, outPtr,
          count, g.C, g.H, g.W, g.O, g.kH, g.kW, g.padTop, g.padLeft, g.oH, g.oW,
          0,
        ];
        // The last argument is the running thread's work buffer.
        return { fn: 'directConv', args, workArg: 15 };
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
