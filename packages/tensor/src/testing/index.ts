/**
 * @nn/tensor/testing: the backend conformance suite. Every backend runs it (in Node or in a browser page):
 * @example
 * import { checkKernelMap, runConformance } from '@nn/tensor/testing';
 * const report = await runConformance('wasm', { tolerance: 1e-4 });
 * if (report.failed.length > 0) throw new Error(report.failed.map((f) => `${f.name}: ${f.message}`).join('\n'));
 */
export { conformanceCases } from './cases';
export {
  type Dense,
  flattenNested,
  nestedShape,
  type PoolWindow,
  randnValues,
  randValues,
  refAvgPool,
  refAvgPoolBackward,
  refConv2d,
  refConv2dBackpropFilter,
  refConv2dBackpropInput,
  refMatmul,
  refMaxPool,
  refMaxPoolBackward,
  refSoftmaxRows,
  refTranspose,
  type Window,
} from './reference';
export { checkKernelMap, conformanceKernelCoverage, runConformance, unsupportedCases } from './runner';
export type {
  ConformanceCase,
  ConformanceFailure,
  ConformanceOptions,
  ConformanceReport,
  Expected,
  ExpectedSpec,
  ExpectedTensor,
} from './types';
