/**
 * The one file that touches gpu.js. Its typings are loose (`any` in many places), so everything the
 * backend needs goes through the small typed surface below: create a GPU for a mode, compile a kernel
 * from source text, call it, and read back or free what it returned.
 */
import { GPU } from 'gpu.js';

/** gpu.js modes this backend can run in, best first. */
export const GPU_MODES = ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'] as const;
/** A gpu.js mode: 'webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm' or 'cpu'. */
export type GpuMode = (typeof GPU_MODES)[number];

/** Modes whose kernels run synchronously (what the kernel contract needs). */
export const SYNC_MODES: readonly GpuMode[] = ['webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'];

/** Modes whose kernels return Promises: the backend runs them through an asynchronous pipeline (webgpu.ts). */
export const ASYNC_MODES: readonly GpuMode[] = ['webgpu'];

/** What a pipeline kernel returns: a GL texture in the GL modes, a plain Float32Array in webasm/cpu. */
export interface RawTexture {
  toArray(): unknown;
  delete(): void;
  /** Width and height in texels. */
  readonly size?: readonly number[];
}
export type RawOutput = RawTexture | Float32Array;
/** A kernel argument: a device array, or a float uniform (values that change per call, e.g. Adam's step size). */
export type RawArgument = RawOutput | number;

/** What a webgpu pipeline kernel resolves to: a GPU-resident storage buffer handle (WebGPUBufferResult). */
export interface RawBuffer {
  toArray(): Promise<unknown>;
  delete(): void;
}

/** A compiled webgpu kernel: every call returns a Promise of its output buffer. */
export interface AsyncRawKernel {
  run(args: readonly (RawBuffer | Float32Array | number)[]): Promise<RawBuffer>;
  destroy(): void;
}

/** A compiled kernel: called with its arguments, returns its output. */
export interface RawKernel {
  run(args: readonly RawArgument[]): RawOutput;
  destroy(): void;
}

interface LooseKernel {
  (...args: unknown[]): unknown;
  destroy(removeCanvasReferences?: boolean): void;
}

interface LooseGpu {
  createKernel(source: string, settings: object): LooseKernel;
  destroy(): unknown;
}

/** True when gpu.js can run `mode` here, checked synchronously (webgpu: only that the API surface exists). */
export function modeSupported(mode: GpuMode): boolean {
  try {
    switch (mode) {
      case 'webgpu':
        return GPU.isWebGPUSupported;
      case 'webgl2':
        return GPU.isWebGL2Supported;
      case 'webgl':
        return GPU.isWebGLSupported;
      case 'headlessgl':
        return GPU.isHeadlessGLSupported;
      case 'webasm':
        return GPU.isWebAssemblySupported;
      case 'cpu':
        return true;
    }
  } catch {
    return false;
  }
}

/** Whether a WebGPU adapter actually answers (not just `navigator.gpu`). */
export function webGpuAvailable(): Promise<boolean> {
  return GPU.isWebGPUAvailable().catch(() => false);
}

export function isTexture(value: RawOutput): value is RawTexture {
  return !(value instanceof Float32Array);
}

/** A gpu.js instance in one mode, compiling 1-D float32 pipeline kernels. */
export class GpuJs {
  private readonly gpu: LooseGpu;

  constructor(readonly mode: GpuMode) {
    this.gpu = new GPU({ mode }) as unknown as LooseGpu;
  }

  /**
   * Compiles `source` (a `function (a0, a1, ...) { ... }` string) with a 1-D output of `size` values.
   * Single precision always (never the 8-bit packing); `immutable` so every call returns a fresh texture the
   * backend owns and frees.
   */
  compile(source: string, size: number): RawKernel {
    const kernel = this.gpu.createKernel(source, kernelSettings(size));
    return {
      run: (args) => {
        const out = kernel(...args);
        if (out instanceof Float32Array) return out;
        if (out !== null && typeof out === 'object' && 'toArray' in out && 'delete' in out) return out as RawTexture;
        throw new Error(`gpu.js (${this.mode}) returned ${Object.prototype.toString.call(out)} from a pipeline kernel`);
      },
      destroy: () => kernel.destroy(),
    };
  }

  /**
   * Compiles `source` for webgpu mode, where a call returns a Promise of a storage buffer handle (the first call
   * also compiles the WGSL pipeline asynchronously). Outputs chain into later kernels without a readback.
   */
  compileAsync(source: string, size: number): AsyncRawKernel {
    const kernel = this.gpu.createKernel(source, kernelSettings(size));
    return {
      run: async (args) => {
        const out = await kernel(...args);
        if (isBufferHandle(out)) return out;
        throw new Error(`gpu.js (${this.mode}) resolved ${Object.prototype.toString.call(out)} from a pipeline kernel`);
      },
      destroy: () => kernel.destroy(),
    };
  }

  destroy(): void {
    this.gpu.destroy();
  }
}

function kernelSettings(size: number): object {
  return {
    output: [size],
    pipeline: true,
    immutable: true,
    precision: 'single',
    tactic: 'precision',
    loopMaxIterations: 1 << 30,
    // Shapes are baked into the source, so arguments never change size under one kernel.
    dynamicArguments: false,
    dynamicOutput: false,
  };
}

function isBufferHandle(value: unknown): value is RawBuffer {
  return value !== null && typeof value === 'object' && 'toArray' in value && 'delete' in value;
}

/** Reads a webgpu buffer handle back as float32 values (exactly `size` of them). */
export async function readBuffer(value: RawBuffer, size: number): Promise<Float32Array> {
  const array = await value.toArray();
  if (array instanceof Float32Array) return array.length === size ? array : array.slice(0, size);
  if (Array.isArray(array)) return Float32Array.from(array.flat(3) as number[]).slice(0, size);
  throw new Error(`gpu.js (webgpu) returned ${Object.prototype.toString.call(array)} on readback`);
}

/** Reads a kernel output back as float32 values (exactly `size` of them). */
export function readRaw(value: RawOutput, size: number): Float32Array {
  const array = isTexture(value) ? value.toArray() : value;
  if (array instanceof Float32Array) return array.length === size ? array : array.slice(0, size);
  if (Array.isArray(array)) return Float32Array.from(array.flat(3) as number[]).slice(0, size);
  throw new Error(`gpu.js returned ${Object.prototype.toString.call(array)} on readback`);
}
