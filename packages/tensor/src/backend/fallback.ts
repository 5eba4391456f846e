/**
 * Fallback as a recorded fact. A kernel a backend leaves out of its map runs on the reference CPU kernels, and the
 * engine records the call as a fallback by itself. A backend that keeps a kernel in its map but computes some calls
 * with reference or host code (int32 arithmetic, a shortcut for an argument a shader cannot take) reports those
 * calls with `reportFallback()`, or runs the reference kernel with `runCpuKernel()`, which reports for it. Either way
 * `kernelCoverage()` counts the call as a fallback, and the conformance suite fails it unless the backend declared
 * the kernel (or that dtype of it) in its `notImplemented` list.
 */
import { cpuKernels } from '../backends/cpu/kernels';
import { engine } from '../engine';
import type { KernelAttrs, KernelName, KernelOutput } from '../kernels/contract';
import type { Backend, KernelArgs, NotImplemented } from './interface';

/**
 * Marks the kernel call in progress as computed by the reference CPU kernels rather than the backend's own code.
 * Call it from inside the kernel, before it returns.
 * @example if (x.dtype !== 'float32') { reportFallback(); return hostPath(args); }
 */
export function reportFallback(): void {
  engine.reportFallback();
}

/**
 * Runs the reference CPU kernel `name` with `args` and reports the call as a fallback. `args.backend` may be an
 * adapter that reads this backend's own storage, so the inputs need not be copied first.
 * @example return runCpuKernel('ScatterAdd', { ...args, backend: viewsOf(args.backend) });
 */
export function runCpuKernel<K extends KernelName>(name: K, args: KernelArgs<K>): KernelOutput<K> {
  engine.reportFallback();
  return cpuKernels[name](args);
}

/** Whether `entry` declares a call of `kernel` with `attrs`: an attribute declaration with an attribute that differs. */
export function declaresAttrs(entry: NotImplemented, kernel: KernelName, attrs: object): boolean {
  if (typeof entry === 'string' || !('attrs' in entry) || entry.kernel !== kernel) return false;
  const given = attrs as Record<string, unknown>;
  return Object.entries(entry.attrs).some(([name, value]) => JSON.stringify(given[name]) !== JSON.stringify(value));
}

/**
 * Whether `backend` declared that it does not compute this call of `kernel` because of its attributes (see
 * `AttrsNotImplemented`): the kernel then runs `runCpuKernel` instead of giving a wrong result.
 * @example if (refusesAttrs(args.backend, 'Conv2D', args.attrs)) return runCpuKernel('Conv2D', args);
 */
export function refusesAttrs<K extends KernelName>(backend: Backend, kernel: K, attrs: KernelAttrs<K>): boolean {
  return (backend.notImplemented ?? []).some((entry) => declaresAttrs(entry, kernel, attrs));
}
