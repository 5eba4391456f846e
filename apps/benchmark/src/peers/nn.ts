/** The @nn side of the benchmark: which backends are present here, and switching between them. */
import { noGrad } from '@nn/autograd';
import { Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/layers';
import { Adam } from '@nn/optim';
import { type Backend, getBackend, registerBackend, registeredBackends, setBackend, tensor, tidy } from '@nn/tensor';
import { MODEL_PARAMS, type ModelKind, SAMPLE_SHAPE, SAMPLE_SIZE, weight } from '../models';
import { ADAM, type FallbackProbe, type Library } from './library';

export interface NnBackend {
  /** Row label, e.g. 'nn:wasm'. */
  label: string;
  name: string;
}

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

/** Imports the optional backend packages and returns every @nn backend that initialises on this machine. */
export async function loadNnBackends(log: (line: string) => void): Promise<NnBackend[]> {
  for (const pkg of ['@nn/backend-wasm', '@nn/backend-gpu']) {
    try {
      const module: object = await import(pkg);
      if (pkg === '@nn/backend-gpu') registerGpuModes(module);
    } catch (error) {
      log(`  ${pkg}: not loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  const found: NnBackend[] = [];
  const seen = new Set<string>();
  for (const name of registeredBackends()) {
    try {
      await setBackend(name);
      const mode = gpuMode();
      // A 'gpu-<mode>' row that duplicates the default gpu backend's mode is dropped.
      const label = mode === null ? `nn:${name}` : `nn:gpu(${mode})`;
      if (seen.has(label)) continue;
      seen.add(label);
      found.push({ label, name });
    } catch (error) {
      log(`  nn backend '${name}' unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await setBackend('cpu');
  return found;
}

/** Makes `name` active (cheap once initialised); every @nn cell calls it before running. */
export async function useNn(name: string): Promise<void> {
  if (getBackend().name !== name) await setBackend(name);
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

/** Threads the @nn backend computes with, as it reports them (1 when it has no thread pool). */
export function nnThreads(name: string): number {
  const backend: object = name === getBackend().name ? getBackend().backend : {};
  for (const key of ['threads', 'threadCount', 'numThreads']) {
    const value: unknown = Reflect.get(backend, key);
    if (typeof value === 'number') return value;
  }
  return 1;
}

function buildModel(kind: ModelKind): Sequential {
  if (kind === 'mlp') return new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(400, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, 10),
  );
}

/** An @nn backend as a model library: Sequential + Adam, the plain `opt.step` loop inside `tidy`. */
export function nnLibrary(backend: NnBackend): Library {
  return {
    label: backend.label,
    crossEntropyLoss: true,
    unavailable: () => null,
    ...(backend.name === 'cpu' ? {} : { fallback: nnFallbackProbe() }),
    createModel: async (kind, weights, train) => {
      await useNn(backend.name);
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
      return {
        trainBatch: async (start, count) => {
          await useNn(backend.name);
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
          await useNn(backend.name);
          const x = tensor(images.subarray(start * SAMPLE_SIZE, (start + count) * SAMPLE_SIZE), [count, ...shape]);
          const logits = noGrad(() => model.forward(x));
          const values = Float32Array.from(await logits.data());
          x.dispose();
          logits.dispose();
          return values;
        },
        dispose: () => {
          for (const p of model.parameters()) p.dispose();
        },
      };
    },
  };
}
