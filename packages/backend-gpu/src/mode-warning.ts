/**
 * `setBackend('gpu')` where no GPU mode of gpu.js works (Node without headless-gl and a display, a browser without
 * WebGL) lands in gpu.js's webasm or cpu mode: kernels then run on the CPU, far slower than the wasm backend. That
 * must not happen silently, but once per process is enough.
 */
import { type GpuMode, SYNC_MODES } from './gpujs';

const CPU_MODES: readonly GpuMode[] = ['webasm', 'cpu'];
let warned = false;

/** Warns (once per process) that the automatically picked `mode` runs on the CPU, and how to choose another. */
export function warnIfOnCpu(mode: GpuMode): void {
  if (warned || !CPU_MODES.includes(mode)) return;
  warned = true;
  const gpuModes = SYNC_MODES.filter((m) => !CPU_MODES.includes(m)).join(', ');
  const message =
    `@nn/backend-gpu: no GPU mode of gpu.js works here (${gpuModes}), so the 'gpu' backend runs in gpu.js's ` +
    `'${mode}' mode, on the CPU, usually far slower than setBackend('wasm'). Choose a mode with NN_GPU_MODE=<mode> ` +
    `or createGpuBackend({ mode }) (headlessgl needs the 'gl' package and an X display, e.g. xvfb-run); an explicit ` +
    `mode does not warn. getBackend().mode says which mode runs.`;
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(message, { code: 'NN_GPU_CPU_MODE' });
  } else {
    console.warn(message);
  }
}
