/** TensorFlow.js 4.22 with its cpu and wasm backends, as a peer. */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { oihwToHwio } from '../context';
import {
  CLASSES,
  chwColumnsToHwc,
  LENET_FLAT,
  MODEL_PARAMS,
  type ModelKind,
  SAMPLE_SIZE,
  transpose2d,
  type Weights,
  weight,
} from '../models';
import { ADAM, type Library } from './library';

export type Tf = typeof tf;
export interface TfBackend {
  label: string;
  name: 'cpu' | 'wasm';
}

/** Initialises the tfjs backends that work here. */
export async function loadTfBackends(log: (line: string) => void, threads: number): Promise<TfBackend[]> {
  const found: TfBackend[] = [];
  try {
    setThreadsCount(threads);
  } catch {
    // Only possible before the wasm backend initialises; harmless otherwise.
  }
  for (const name of ['cpu', 'wasm'] as const) {
    try {
      if (!(await tf.setBackend(name))) throw new Error('setBackend returned false');
      await tf.ready();
      found.push({ label: `tfjs:${name}`, name });
    } catch (error) {
      log(`  tfjs ${name}: unavailable (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return found;
}

export async function useTf(name: string): Promise<Tf> {
  if (tf.getBackend() !== name) {
    await tf.setBackend(name);
    await tf.ready();
  }
  return tf;
}

export { tf };

/** Threads TensorFlow.js computes with on this backend (its wasm backend reports its own count). */
export function tfThreads(name: 'cpu' | 'wasm'): number {
  return name === 'wasm' ? getThreadsCount() : 1;
}

/** Kernels LeNet-5 training needs that TensorFlow.js lacks on this backend. */
function missingKernels(name: string, kind: ModelKind): string[] {
  const needed =
    kind === 'lenet' ? ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad'] : [];
  return needed.filter((k) => !tf.getKernel(k, name));
}

function buildModel(kind: ModelKind, weights: Weights): tf.Sequential {
  const init = (fanIn: number) => {
    const bound = 1 / Math.sqrt(fanIn);
    return {
      kernelInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound }),
      biasInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound }),
    };
  };
  const layers: tf.layers.Layer[] =
    kind === 'mlp'
      ? [
          tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', ...init(784) }),
          tf.layers.dense({ units: 10, ...init(128) }),
        ]
      : [
          tf.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 6,
            kernelSize: 5,
            padding: 'same',
            activation: 'relu',
            ...init(25),
          }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', ...init(150) }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 120, activation: 'relu', ...init(400) }),
          tf.layers.dense({ units: 84, activation: 'relu', ...init(120) }),
          tf.layers.dense({ units: 10, ...init(84) }),
        ];
  const model = tf.sequential({ layers });
  // The initialisers above draw from the same distribution; the exact shared values then replace them.
  const values = MODEL_PARAMS[kind].map((p) => {
    const data = weight(weights, p.name);
    if (p.shape.length === 1) return tf.tensor1d(data);
    if (p.shape.length === 4) {
      const [o, i, kh, kw] = p.shape as [number, number, number, number];
      return tf.tensor4d(oihwToHwio(data, p.shape), [kh, kw, i, o]);
    }
    const [out, inF] = p.shape as [number, number];
    // LeNet's first Linear sees a channels-last flatten in TensorFlow.js.
    const columns = kind === 'lenet' && inF === 400 ? chwColumnsToHwc(data, out, LENET_FLAT) : data;
    return tf.tensor2d(transpose2d(columns, out, inF), [inF, out]);
  });
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

/** A TensorFlow.js backend as a model library: a layers Sequential, `optimizer.minimize` of softmax cross-entropy. */
export function tfLibrary(backend: TfBackend): Library {
  return {
    label: backend.label,
    crossEntropyLoss: true,
    unavailable: (kind, task) => {
      const missing = task === 'train' ? missingKernels(backend.name, kind) : [];
      return missing.length ? `tfjs-${backend.name} 4.22 has no ${missing.join(', ')} kernel (conv gradients)` : null;
    },
    createModel: async (kind, weights, train) => {
      await useTf(backend.name);
      const model = buildModel(kind, weights);
      const optimizer = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
      // NCHW with one channel has the same memory layout as NHWC.
      const shape = kind === 'mlp' ? [784] : [28, 28, 1];
      return {
        trainBatch: async (start, count) => {
          await useTf(backend.name);
          const loss = tf.tidy((): tf.Scalar => {
            const x = tf.tensor(train.images.subarray(start * SAMPLE_SIZE, (start + count) * SAMPLE_SIZE), [
              count,
              ...shape,
            ]);
            const y = tf.oneHot(tf.tensor1d(train.labels.subarray(start, start + count), 'int32'), CLASSES);
            const predict = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor);
            const value = optimizer.minimize(predict as () => tf.Scalar, true);
            if (!value) throw new Error('tfjs: minimize returned no loss');
            return value;
          });
          const value = (await loss.data())[0]!;
          loss.dispose();
          return value;
        },
        predict: async (images, start, count) => {
          await useTf(backend.name);
          const logits = tf.tidy(
            () =>
              model.predict(
                tf.tensor(images.subarray(start * SAMPLE_SIZE, (start + count) * SAMPLE_SIZE), [count, ...shape]),
              ) as tf.Tensor,
          );
          const values = Float32Array.from(await logits.data());
          logits.dispose();
          return values;
        },
        dispose: () => {
          optimizer.dispose();
          model.dispose();
        },
      };
    },
  };
}
