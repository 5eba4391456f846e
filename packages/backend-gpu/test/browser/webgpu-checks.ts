// webgpu-only checks in the browser: synchronous reads, error propagation, and training (a leak check, and which
// library code paths need a synchronous read of a computed tensor).
import { valueAndGrad } from '@nn/autograd';
import { Conv2d, crossEntropy, Flatten, fit, Linear, MaxPool2d, ReLU, Sequential, Tanh } from '@nn/layers';
import { Adam, type Optimizer, SGD } from '@nn/optim';
import {
  add,
  broadcastTo,
  conv2d,
  cumsum,
  erf,
  gelu,
  getBackend,
  layerNorm,
  manualSeed,
  memory,
  randn,
  scaledDotProductAttention,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  topk,
} from '@nn/tensor';
import type { GpuBackend } from '../../src/backend';

/** A short training run: losses and memory counters (JSON), or the error that stopped it. */
export interface TrainResult {
  error?: string;
  first?: number;
  last?: number;
  afterWarmup?: string;
  final?: string;
  fallbackCalls?: string;
}

export interface WebGpuChecks {
  readSyncOfWritten: string;
  readSyncOfComputed: string;
  readSyncAfterRead: string;
  errorSurfacesOnRead: string;
  /** Kernels run on an input computed on the device: 'ok <values>' (a shader), or the error (a CPU fallback). */
  onComputedInputs: Record<string, string>;
  training: Record<string, TrainResult>;
  stats: unknown;
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message} (at ${stackOf(error)})` : String(error);

/** The first few frames, to tell which code path read synchronously. */
const stackOf = (error: Error): string =>
  (error.stack ?? '')
    .split('\n')
    .slice(1, 7)
    .map((line) =>
      line
        .trim()
        .replace(/^at /, '')
        .replace(/ \(.*\)$/, ''),
    )
    .join(' < ');

function attempt(f: () => unknown): string {
  try {
    return `ok ${JSON.stringify(f())}`;
  } catch (error) {
    return `threw ${describe(error)}`;
  }
}

function smallCnn(activation: 'relu' | 'tanh' = 'relu'): Sequential {
  manualSeed(0);
  return new Sequential(
    new Conv2d(1, 2, 3, { padding: 1 }),
    activation === 'relu' ? new ReLU() : new Tanh(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(2 * 4 * 4, 3),
  );
}

/** Plain gradient descent from public ops (no fused optimizer kernel): `p <- p - lr * grad`. */
function manualSgd(params: Tensor[], lr: number): Pick<Optimizer, 'step'> {
  return {
    step: (closure) => {
      const { value, grads } = valueAndGrad((..._: Tensor[]) => closure())(...params);
      tidy(() => {
        params.forEach((p, i) => {
          p.assign(p.sub(grads[i]!.mul(lr)));
        });
      });
      for (const g of grads) g.dispose();
      return value;
    },
  };
}

/** `steps` optimizer steps reading the loss with `await data()`: first/last loss and the memory counters. */
async function train(
  make: (params: Tensor[]) => Pick<Optimizer, 'step'>,
  steps: number,
  activation: 'relu' | 'tanh',
): Promise<TrainResult> {
  const backend = getBackend().backend as GpuBackend;
  const model = smallCnn(activation);
  const opt = make(model.parameters());
  const x = randn([4, 1, 8, 8], { seed: 1 });
  const y = tensor([0, 1, 2, 1], undefined, 'int32');
  const snapshot = () => JSON.stringify({ ...memory(), liveArrays: backend.stats().liveArrays });
  let first = 0;
  let last = 0;
  let afterWarmup = '';
  try {
    for (let step = 0; step < steps; step++) {
      const loss = opt.step(() => crossEntropy(model.forward(x), y));
      const value = (await loss.data())[0]!;
      if (step === 0) first = value;
      last = value;
      loss.dispose();
      if (step === 9) afterWarmup = snapshot();
    }
    // Let the last releases (which wait for their buffers' Promises) run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fallbackCalls = JSON.stringify(getBackend().kernelCoverage().fallbackCalls);
    return { first, last, afterWarmup, final: snapshot(), fallbackCalls };
  } catch (error) {
    return { error: describe(error) };
  } finally {
    x.dispose();
    y.dispose();
  }
}

/**
 * 0.2 kernels on inputs computed on the device: a shader takes them as they are, while the engine's CPU fallback (what
 * a declared kernel runs) would need a synchronous read, which webgpu does not have (a StateError).
 */
async function onComputedInputs(): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  const run = async (name: string, f: () => Tensor) => {
    try {
      const y = f();
      results[name] = `ok ${JSON.stringify(Array.from(await y.data(), (v) => Math.round(v * 1e4) / 1e4))}`;
      y.dispose();
    } catch (error) {
      results[name] = `threw ${describe(error)}`;
    }
  };
  const x = tensor([
    [-1, 0.5],
    [2, 3],
  ]).mul(1);
  const image = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [1, 2, 3, 3]).mul(1);
  const w = tensor([1, -1, 2, 0.5, 1, 1, 1, 1], [2, 1, 2, 2]);
  await run('gelu', () => gelu(x));
  await run('erf', () => erf(x));
  await run('cumsum', () => cumsum(x, 1));
  await run('layerNorm', () => layerNorm(x, 2));
  await run('conv2d grouped dilated', () => conv2d(image, w, { groups: 2, dilation: 2 }));
  await run('scaledDotProductAttention', () => scaledDotProductAttention(x, x, x, { isCausal: true }));
  await run('topk (declared)', () => topk(x, 1).values);
  for (const t of [x, image, w]) t.dispose();
  return results;
}

async function trainWithFit(metrics: readonly 'accuracy'[]): Promise<TrainResult> {
  const model = smallCnn();
  const x = randn([8, 1, 8, 8], { seed: 1 });
  const y = tensor([0, 1, 2, 1, 0, 1, 2, 1], undefined, 'int32');
  try {
    const history = await fit(
      model,
      { x, y },
      {
        epochs: 2,
        batchSize: 4,
        optimizer: new SGD(model.parameters(), { lr: 0.05 }),
        loss: 'crossEntropy',
        metrics,
        verbose: false,
      },
    );
    return { final: JSON.stringify(history) };
  } catch (error) {
    return { error: describe(error) };
  } finally {
    x.dispose();
    y.dispose();
  }
}

export async function runWebGpuChecks(name: string): Promise<WebGpuChecks> {
  const previous = getBackend().name;
  await setBackend(name);
  try {
    const a = tensor([1, 2, 3]);
    const b = a.mul(a);
    const readSyncOfWritten = attempt(() => Array.from(a.dataSync()));
    const readSyncOfComputed = attempt(() => Array.from(b.dataSync()));
    await b.data();
    const readSyncAfterRead = attempt(() => Array.from(b.dataSync()));
    a.dispose();
    b.dispose();
    // A kernel that fails when it runs (a buffer past the device limit): its error must come back from data().
    let errorSurfacesOnRead: string;
    const one = tensor([[1]]);
    const huge = broadcastTo(one, [1 << 16, 1 << 15]);
    const sum = add(huge, 1);
    try {
      errorSurfacesOnRead = `no error: ${(await sum.data()).length} values`;
    } catch (error) {
      errorSurfacesOnRead = `read rejected: ${describe(error)}`;
    }
    for (const t of [one, huge, sum]) t.dispose();
    const onComputed = await onComputedInputs();
    const training: Record<string, TrainResult> = {
      manualSgdTanh: await train((p) => manualSgd(p, 0.05), 200, 'tanh'),
      manualSgdRelu: await train((p) => manualSgd(p, 0.05), 20, 'relu'),
      sgdTanh: await train((p) => new SGD(p, { lr: 0.05 }), 20, 'tanh'),
      adamTanh: await train((p) => new Adam(p, { lr: 0.01 }), 20, 'tanh'),
      fitNoMetrics: await trainWithFit([]),
      fitAccuracy: await trainWithFit(['accuracy']),
    };
    return {
      readSyncOfWritten,
      readSyncOfComputed,
      readSyncAfterRead,
      errorSurfacesOnRead,
      onComputedInputs: onComputed,
      training,
      stats: (getBackend().backend as GpuBackend).stats(),
    };
  } finally {
    await setBackend(previous);
  }
}
