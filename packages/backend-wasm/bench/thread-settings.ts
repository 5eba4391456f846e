// The bench entries' thread knobs and report: environment overrides for experiments, and the workers' share.
import { getBackend } from '@nn/tensor';
import { parallelThresholds } from '../src/kernels/parallel';
import { threadSettings } from '../src/threads/pool';

/**
 * For experiments: NN_WASM_SPLIT_ELEMENTS / NN_WASM_SPLIT_MACS override when kernels split over threads,
 * NN_WASM_SPIN_US how long idle workers poll before sleeping. Call before the backend starts its threads.
 */
export function applyThreadEnv(): void {
  parallelThresholds.elements = Number(process.env.NN_WASM_SPLIT_ELEMENTS ?? parallelThresholds.elements);
  parallelThresholds.gemmMacs = Number(process.env.NN_WASM_SPLIT_MACS ?? parallelThresholds.gemmMacs);
  threadSettings.spinMicroseconds = Number(process.env.NN_WASM_SPIN_US ?? threadSettings.spinMicroseconds);
}

/** How much of the split kernels' work the workers took (wasm backend only). */
export function threadStats(): Record<string, number> {
  const backend = getBackend().backend as { workerCalls?: number; pooledCalls?: number };
  if (backend.pooledCalls === undefined || backend.pooledCalls === 0) return {};
  return {
    pooledCalls: backend.pooledCalls,
    workerShare: +((backend.workerCalls ?? 0) / backend.pooledCalls).toFixed(3),
  };
}
