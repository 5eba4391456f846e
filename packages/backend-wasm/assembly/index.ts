// The module's exports: one file per kernel family, re-exported here as asc's entry point.
export { binaryRun, whereRun } from './binary';
export { conv2d, directConv, directConvWorkFloats } from './conv';
export { stridedCopy, transpose2d } from './copy';
export { gemm, gemmScratchFloats } from './matmul';
export { adamUpdate, reluBackward, sgdUpdate } from './optim';
export { maxPool2x2, pool2d } from './pool';
export { argMax, reduce } from './reduce';
export { softmaxCrossEntropy } from './softmax';
export { castF32ToI32, castI32ToF32, unary } from './unary';

/** First byte after the module's own static data: the JS allocator hands out memory from here. */
export function heapBase(): usize {
  return __heap_base;
}
