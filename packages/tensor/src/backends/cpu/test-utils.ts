/** Helpers for the kernel-level tests of this directory: run one kernel through the contract, seeded data. */
import { expect } from 'vitest';
import { KERNEL_SPECS, type KernelAttrs, type KernelInputs, type SingleOutputKernelName } from '../../kernels/contract';
import type { DType, Shape, TensorInfo, TypedArray } from '../../types';
import { typedArrayFor } from '../../types';
import { sizeOf } from '../../util/shape';
import { CpuBackend } from './backend';
import { cpuKernels } from './kernels';

export interface Result {
  shape: number[];
  dtype: DType;
  values: number[];
}

/** Writes an input tensor into `backend`. */
export function input(backend: CpuBackend, values: ArrayLike<number>, shape: Shape, dtype: DType = 'float32') {
  const data = typedArrayFor(dtype, sizeOf(shape));
  if (values.length !== data.length) throw new Error(`input: ${values.length} values for shape [${shape}]`);
  data.set(values);
  return { dataId: backend.write(data, shape, dtype), shape, dtype } satisfies TensorInfo;
}

/**
 * Runs kernel `name` on a fresh backend, checking that it adds exactly one block of storage (its output)
 * and that the output's stored length matches its shape. Inputs are built by `make`.
 */
export function run<K extends SingleOutputKernelName>(
  name: K,
  make: (backend: CpuBackend) => KernelInputs<K>,
  attrs: KernelAttrs<K>,
): Result & { raw: TypedArray } {
  const backend = new CpuBackend();
  const inputs = make(backend);
  const before = backend.numDataIds();
  const outputs = KERNEL_SPECS[name].infer(inputs, attrs);
  const out = cpuKernels[name]({ inputs, attrs, outputs, backend }) as TensorInfo;
  const shares = name === 'Reshape';
  expect(backend.numDataIds(), `${name} must leave exactly its output behind`).toBe(before + (shares ? 0 : 1));
  const raw = backend.readSync(out.dataId);
  expect(raw.length).toBe(sizeOf(out.shape));
  expect(raw instanceof typedArrayFor(out.dtype, 0).constructor).toBe(true);
  return { shape: [...out.shape], dtype: out.dtype, values: Array.from(raw), raw };
}

/** Mulberry32: a tiny seeded generator so every random case is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` uniform values in [-1, 1), or integers in [-5, 5] for int32. */
export function randomValues(random: () => number, size: number, dtype: DType = 'float32'): number[] {
  return Array.from({ length: size }, () =>
    dtype === 'int32'
      ? Math.floor(random() * 11) - 5
      : dtype === 'float32'
        ? Math.fround(random() * 2 - 1)
        : random() * 2 - 1,
  );
}

export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Element-wise closeness with a relative + absolute tolerance, reporting the first bad index. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      expect(a, `index ${i}`).toBeNaN();
    } else if (!Number.isFinite(e)) {
      expect(a, `index ${i}`).toBe(e);
    } else if (Math.abs(a - e) > tolerance * (1 + Math.abs(e))) {
      expect.fail(`index ${i}: got ${a}, expected ${e} (tolerance ${tolerance})`);
    }
  }
}
