// The module's exports: one file per kernel family (see CONTRIBUTING.md), re-exported here as asc's entry point.
export { attention, attentionBackward } from './attention';
export { binaryRows, binaryRun, binaryRunInt, whereRun } from './binary';
export { conv2d, directConv2d, directConvWorkFloats } from './conv';
export { conv2dBackpropFilter, directConv2dBackpropFilter, directFilterGradWorkFloats } from './conv-backprop-filter';
export {
  conv2dBackpropInput,
  directConv2dBackpropInput,
  directConv2dBackpropInputScatter,
  directInputScatterWorkFloats,
} from './conv-backprop-input';
export { scatterAdd } from './indexing';
export { gemm, gemmScratchFloats } from './matmul';
export { gemmInt } from './matmul-int';
export { layerNorm, layerNormBackward } from './normalization';
export { adamUpdate, sgdUpdate } from './optim';
export { maxPool2x2, pool2d } from './pool';
export { lstmCell, lstmCellBackward } from './recurrent';
export { argMax, cumsum, reduce } from './reduce';
export { topK } from './selection';
export { stridedCopy, transpose2d } from './shape';
export { softmaxCrossEntropy } from './softmax';
export { castF32ToI32, castI32ToF32, geluBackward, reluBackward, UnaryOp, unary } from './unary';

/** First byte after the module's own static data: the JS allocator hands out memory from here. */
export function heapBase(): usize {
  return __heap_base;
}
