export { CpuBackend } from './backend';
export { type ConvGeometry, col2im, convGeometry, im2col } from './conv';
export { fromFloat64 } from './convert';
export { gemm, type MatrixView } from './gemm';
export { cpuKernels } from './kernels';
export { matrixView } from './matmul';
export { collapseAxes, forEachRun, type StridedLayout, stridedCopy } from './strided';
