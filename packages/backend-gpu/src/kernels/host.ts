/**
 * The documented host shortcut: a kernel whose arguments have no shader form (non-finite constants) runs the
 * reference CPU kernel on a copy of its inputs, and the result is stored back in this backend. In webgpu mode the
 * backend queues this after the inputs are read back (see `GpuBackend.computeOnHost`).
 */
import type { Backend, DType, KernelName, Shape, TensorInfo, TypedArray } from '@nn/tensor';
import { CpuBackend, cpuKernels, type KernelArgs, type KernelFn } from '@nn/tensor/backend';
import { gpuOf } from './util';

let scratch: CpuBackend | null = null;

/** Runs the CPU kernel `name` on `args`; its output has `shape` and `dtype` (known before the values are). */
export function hostKernel<K extends KernelName>(name: K, args: KernelArgs<K>, shape: Shape, dtype: DType): TensorInfo {
  const gpu = gpuOf(args.backend);
  const order: TensorInfo[] = [];
  for (const value of Object.values(args.inputs as Record<string, TensorInfo | readonly TensorInfo[]>)) {
    if (Array.isArray(value)) order.push(...value);
    else order.push(value as TensorInfo);
  }
  return gpu.computeOnHost(order, shape, dtype, (values) => runOnCpu(name, args, order, values));
}

function runOnCpu<K extends KernelName>(
  name: K,
  args: KernelArgs<K>,
  order: readonly TensorInfo[],
  values: readonly TypedArray[],
): TypedArray {
  if (scratch === null) scratch = new CpuBackend();
  const cpu = scratch;
  const copies = new Map<TensorInfo, TensorInfo>();
  order.forEach((t, k) => {
    copies.set(t, { dataId: cpu.write(values[k]!, t.shape, t.dtype), shape: t.shape, dtype: t.dtype });
  });
  const toCpu = (t: TensorInfo): TensorInfo => copies.get(t)!;
  const inputs: Record<string, TensorInfo | TensorInfo[]> = {};
  for (const [key, value] of Object.entries(args.inputs as Record<string, TensorInfo | readonly TensorInfo[]>)) {
    inputs[key] = Array.isArray(value) ? value.map(toCpu) : toCpu(value as TensorInfo);
  }
  const kernel = cpuKernels[name] as KernelFn<K>;
  // Host kernels have one output (the multi-output kernels all have shader forms).
  const out = kernel({ ...args, inputs: inputs as never, backend: cpu as Backend }) as TensorInfo;
  const result = cpu.readSync(out.dataId).slice();
  cpu.disposeData(out.dataId);
  for (const c of copies.values()) cpu.disposeData(c.dataId);
  return result;
}
