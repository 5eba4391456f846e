/** The @nn side of the benchmark: which backends are present here, and switching between them. */
import { noGrad } from '@nn/autograd';
import { crossEntropy, fit, Linear, lenet5, ReLU, Sequential } from '@nn/layers';
import { Adam } from '@nn/optim';
import {
  type Backend,
  getBackend,
  registerBackend,
  registeredBackends,
  setBackend,
  type Tensor,
  tensor,
  tidy,
} from '@nn/tensor';
import { MODEL_PARAMS, type ModelKind, SAMPLE_SHAPE, SAMPLE_SIZE, weight } from '../models';
import { ADAM, type FallbackProbe, type Library } from './library';

export interface NnBackend {
  /** Row label, e.g. 'nn:wasm(2T)'. */
  label: string;
  name: string;
  /** Threads the backend computes with in this row (set before every run where the backend can change it). */
  threads: number;
}

/** The wasm backend's thread setting (`setWasmThreads`), when the package has one. */
let setWasmThreads: ((threads: number) => void) | null = null;

/** gpu.js modes worth a row of their own besides the default one (its 'cpu' mode emulates shaders in JS). */
const EXTRA_GPU_MODES = ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm'];

/** A function exported by a loosely known module, or null. */
function exported(module: object, name: string): ((...args: unknown[]) => unknown) | null {
  const value: unknown = Reflect.get(module, name);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown) : null;
}

/** Registers 'gpu-<mode>' for every other usable gpu.js mode, so each mode present gets its own row. */
function registerGpuModes(gpu: object): void {
  const modeSupported = exported(gpu, 'modeSupported');
  const createGpuBackend = exported(gpu, 'createGpuBackend');
  if (!modeSupported || !createGpuBackend) return;
  for (const mode of EXTRA_GPU_MODES) {
    if (modeSupported(mode) !== true) continue;
    registerBackend(`gpu-${mode}`, () => createGpuBackend({ mode }) as Backend, -1);
  }
}

/** The mode a gpu backend runs in (`gpuMode()`), or null for other backends. */
function gpuMode(): string | null {
  const mode = exported(getBackend().backend, 'gpuMode')?.call(getBackend().backend);
  return typeof mode === 'string' ? mode : null;
}

/** Threads the active backend computes with, as it reports them (1 when it has no thread pool). */
function reportedThreads(wasm: object | null): number {
  const backend: object = getBackend().backend;
  if (getBackend().name === 'wasm' && wasm) {
    const threads = exported(wasm, 'getWasmThreads')?.();
    if (typeof threads === 'number') return threads;
  }
  for (const key of ['threads', 'threadCount', 'numThreads']) {
    const value: unknown = Reflect.get(backend, key);
    if (typeof value === 'number') return value;
  }
  return 1;
}

/**
 * Imports the optional backend packages and returns every @nn backend that initialises on this machine. The
 * wasm backend gets one row per thread count (1 and its default, the cores) when it has threads; the gpu
 * backend one row per usable gpu.js mode.
 */
export async function loadNnBackends(log: (line: string) => void): Promise<NnBackend[]> {
  let wasm: object | null = null;
  for (const pkg of ['@nn/backend-wasm', '@nn/backend-gpu']) {
    try {
      const module: object = await import(pkg);
      if (pkg === '@nn/backend-gpu') registerGpuModes(module);
      else wasm = module;
    } catch (error) {
      log(`  ${pkg}: not loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  const setter = wasm ? exported(wasm, 'setWasmThreads') : null;
  setWasmThreads = setter ? (threads) => setter(threads) : null;
  const found: NnBackend[] = [];
  const seen = new Set<string>();
  for (const name of registeredBackends()) {
    try {
      await setBackend(name);
      const mode = gpuMode();
      const threads = reportedThreads(wasm);
      if (name === 'wasm' && setWasmThreads && threads > 1) {
        found.push({ label: 'nn:wasm(1T)', name, threads: 1 }, { label: `nn:wasm(${threads}T)`, name, threads });
        continue;
      }
      // A 'gpu-<mode>' row that duplicates the default gpu backend's mode is dropped.
      const label = mode === null ? `nn:${name}` : `nn:gpu(${mode})`;
      if (seen.has(label)) continue;
      seen.add(label);
      found.push({ label, name, threads });
    } catch (error) {
      log(`  nn backend '${name}' unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await setBackend('cpu');
  return found;
}

/** Makes the row's backend active (cheap once initialised) with its thread count; every @nn cell calls it first. */
export async function useNn(backend: NnBackend): Promise<void> {
  if (getBackend().name !== backend.name) await setBackend(backend.name);
  if (backend.name === 'wasm') setWasmThreads?.(backend.threads);
}

/**
 * useNn, then (for a multi-threaded wasm row) waits until the backend's workers are up, so that a timed run
 * after a single-threaded row does not pay for, or run without, a pool that is still starting. Untimed.
 */
export async function prepareNn(backend: NnBackend): Promise<void> {
  await useNn(backend);
  if (backend.name !== 'wasm' || backend.threads <= 1) return;
  const active: object = getBackend().backend;
  const lanes = exported(active, 'lanes');
  if (!lanes) return;
  const deadline = performance.now() + 5000;
  while (lanes.call(active) !== backend.threads && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Counts CPU fallback calls of the active @nn backend during one run (`kernelCoverage().fallbackCalls`). */
export function nnFallbackProbe(): FallbackProbe {
  return {
    reset: () => getBackend().kernelCoverage().resetCounts(),
    read: () => {
      const calls = Object.entries(getBackend().kernelCoverage().fallbackCalls).filter(([, n]) => (n ?? 0) > 0);
      return calls.length === 0 ? 'none' : calls.map(([kernel, n]) => `${kernel}×${n}`).join(' ');
    },
  };
}

function buildModel(kind: ModelKind): Sequential {
  if (kind === 'mlp') return new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  return lenet5();
}

/**
 * An @nn backend as a model library: Sequential + Adam; `trainEpoch` is `fit` (what users run), `trainBatch` the
 * plain `opt.step` loop inside `tidy`.
 */
export function nnLibrary(backend: NnBackend): Library {
  return {
    label: backend.label,
    crossEntropyLoss: true,
    prepare: () => prepareNn(backend),
    unavailable: () => null,
    ...(backend.name === 'cpu' ? {} : { fallback: nnFallbackProbe() }),
    createModel: async (kind, weights, train) => {
      await useNn(backend);
      const model = buildModel(kind);
      const state = Object.fromEntries(
        MODEL_PARAMS[kind].map((p) => [p.name, tensor(weight(weights, p.name), p.shape)]),
      );
      model.loadStateDict(state);
      for (const t of Object.values(state)) t.dispose();
      const opt = new Adam(model.parameters(), {
        lr: ADAM.lr,
        betas: [ADAM.beta1, ADAM.beta2],
        eps: ADAM.eps,
      });
      const shape = SAMPLE_SHAPE[kind];
      // The user's tensors exist before fit is called: made here, untimed, like a user's data loading.
      const trainTensors = (samples: number) => ({
        x: tensor(train.images.subarray(0, samples * SAMPLE_SIZE), [samples, ...shape]),
        y: tensor(train.labels.subarray(0, samples), [samples], 'int32'),
      });
      const epochData: { x: Tensor; y: Tensor } = trainTensors(train.count);
      return {
        trainEpoch: async (samples, batchSize) => {
          await useNn(backend);
          const partial = samples !== train.count;
          const data = partial ? trainTensors(samples) : epochData;
          const history = await fit(model, data, {
            epochs: 1,
            batchSize,
            optimizer: opt,
            loss: 'crossEntropy',
            shuffle: false,
            verbose: false,
          });
          if (partial) for (const t of [data.x, data.y]) t.dispose();
          return history.loss[0]!;
        },
        trainBatch: async (start, count) => {
          await useNn(backend);
          const x = tensor(train.images.subarray(start * SAMPLE_SIZE, (start + count) * SAMPLE_SIZE), [
            count,
            ...shape,
          ]);
          const y = tensor(train.labels.subarray(start, start + count), [count], 'int32');
          const loss = tidy(() => opt.step(() => crossEntropy(model.forward(x), y)));
          const value = (await loss.data())[0]!;
          for (const t of [x, y, loss]) t.dispose();
          return value;
        },
        predict: async (images, start, count) => {
          await useNn(backend);
          // Inside tidy, like the tfjs adapter (and @nn/layers' predict): intermediates are freed at once, so
          // the next batch reuses their memory instead of waiting for the garbage collector.
          const logits = tidy(() =>
            noGrad(() =>
              model.forward(
                tensor(images.subarray(start * SAMPLE_SIZE, (start + count) * SAMPLE_SIZE), [count, ...shape]),
              ),
            ),
          );
          const values = Float32Array.from(await logits.data());
          logits.dispose();
          return values;
        },
        dispose: () => {
          for (const t of [epochData.x, epochData.y]) t.dispose();
          for (const p of model.parameters()) p.dispose();
        },
      };
    },
  };
}
