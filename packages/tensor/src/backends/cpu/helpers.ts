/** What other backends may reuse of the CPU kernels: index plumbing, im2col/col2im, the blocked GEMM. */
export { type ConvGeometry, col2im, convGeometry, im2col } from './conv';
export { fromFloat64 } from './convert';
export { gemm, type MatrixView } from './gemm';
export { matrixView } from './matmul';
export { collapseAxes, forEachRun, type StridedLayout, stridedCopy } from './strided';
