export { CpuBackend } from './backend';
export { col2im, im2col } from './conv';
export { fromFloat64 } from './convert';
export { gemm, type MatrixView } from './gemm';
export { cpuKernels } from './kernels';
export { matrixView } from './matmul';
export { collapseAxes, forEachRun, type StridedLayout, stridedCopy } from './strided';
