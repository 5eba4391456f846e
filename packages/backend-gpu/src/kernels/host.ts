/**
 * The reported host path: the calls a kernel declares it does not compute (see ../not-implemented.ts) run the
 * reference CPU kernel on host copies of their inputs, the result is stored back in this backend, and the engine
 * records the call as a fallback. In webgpu mode the backend queues this after the inputs are read back (see
 * `GpuBackend.computeOnHost`), so unlike the engine's own fallback it works on inputs computed on the device.
 */
import type { TensorInfo, TypedArray } from '@nn/tensor';
import {
  CpuBackend,
  cpuKernels,
  type KernelArgs,
  type KernelInputs,
  reportFallback,
  type SingleOutputKernelName,
} from '@nn/tensor/backend';
import { gpuOf } from './util';

let scratch: CpuBackend | null = null;

/** An input of a kernel: one tensor, a list of them (Concat), or a missing optional one. */
type InputValue = TensorInfo | readonly TensorInfo[] | undefined;

/** `inputs` with every tensor replaced by `map(tensor)`, keeping names and lists. */
function mapInputs<K extends SingleOutputKernelName>(
  inputs: KernelInputs<K>,
  map: (t: TensorInfo) => TensorInfo,
): KernelInputs<K> {
  const entries = Object.entries(inputs as Readonly<Record<string, InputValue>>).map(([name, value]) => {
    if (value === undefined) return [name, value];
    return [name, Array.isArray(value) ? value.map(map) : map(value as TensorInfo)];
  });
  return Object.fromEntries(entries) as KernelInputs<K>;
}

/** Runs the CPU kernel `name` on host copies of `args.inputs` (a reported fallback); the output stays in this backend. */
export function hostKernel<K extends SingleOutputKernelName>(name: K, args: KernelArgs<K>): TensorInfo {
  reportFallback();
  const order = Object.values(args.inputs as Readonly<Record<string, InputValue>>).flatMap((v) =>
    v === undefined ? [] : Array.isArray(v) ? [...v] : [v as TensorInfo],
  );
  const [out] = args.outputs;
  return gpuOf(args.backend).computeOnHost(order, out.shape, out.dtype, (values) =>
    runOnCpu(name, args, order, values),
  );
}

function runOnCpu<K extends SingleOutputKernelName>(
  name: K,
  args: KernelArgs<K>,
  order: readonly TensorInfo[],
  values: readonly TypedArray[],
): TypedArray {
  scratch ??= new CpuBackend();
  const cpu = scratch;
  const copies = new Map<TensorInfo, TensorInfo>();
  order.forEach((t, k) => {
    copies.set(t, { dataId: cpu.write(values[k]!, t.shape, t.dtype), shape: t.shape, dtype: t.dtype });
  });
  const kernel = cpuKernels[name];
  const out: TensorInfo = kernel({ ...args, inputs: mapInputs(args.inputs, (t) => copies.get(t)!), backend: cpu });
  const result = cpu.readSync(out.dataId).slice();
  cpu.disposeData(out.dataId);
  for (const c of copies.values()) cpu.disposeData(c.dataId);
  return result;
}
