/**
 * The documented host shortcut: a kernel whose arguments have no shader form (non-finite constants) runs the
 * reference CPU kernel on a copy of its inputs, and the result is stored back in this backend.
 */
import {
  type Backend,
  CpuBackend,
  cpuKernels,
  type KernelArgs,
  type KernelFn,
  type KernelName,
  type TensorInfo,
} from '@nn/tensor';
import { gpuOf } from './util';

let scratch: CpuBackend | null = null;

export function hostKernel<K extends KernelName>(name: K, args: KernelArgs<K>): TensorInfo {
  const gpu = gpuOf(args.backend);
  if (scratch === null) scratch = new CpuBackend();
  const cpu = scratch;
  const copies: TensorInfo[] = [];
  const toCpu = (t: TensorInfo): TensorInfo => {
    const copy = { dataId: cpu.write(gpu.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
    copies.push(copy);
    return copy;
  };
  const inputs: Record<string, TensorInfo | TensorInfo[]> = {};
  for (const [key, value] of Object.entries(args.inputs as Record<string, TensorInfo | readonly TensorInfo[]>)) {
    inputs[key] = Array.isArray(value) ? value.map(toCpu) : toCpu(value as TensorInfo);
  }
  const kernel = cpuKernels[name] as KernelFn<K>;
  const out = kernel({ inputs: inputs as never, attrs: args.attrs, backend: cpu as Backend });
  const values = cpu.readSync(out.dataId).slice();
  cpu.disposeData(out.dataId);
  for (const c of copies) cpu.disposeData(c.dataId);
  return gpu.fromHost(values, out.shape, out.dtype);
}
