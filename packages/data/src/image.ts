import { FormatError, NNError, type Tensor } from '@nn/tensor';
import { asBytes } from './bytes';
import { type HostTensor, toTensor } from './host';
import { decodeJpeg, isJpeg } from './jpeg';
import { decodeLimits } from './limits';
import { importNode } from './node';
import { decodePng, isPng } from './png';

/** Options for image decoding. `name` is used in error messages; the limits guard against hostile files. */
export interface ImageOptions {
  name?: string;
  /** Largest width * height accepted (default 50 million). */
  maxPixels?: number;
  /**
   * Most working memory one decode may use, in bytes (default: 32 bytes per input byte, at least 32 MiB), so that
   * a small file claiming a huge image is refused before anything is allocated. Raise it for trusted large images.
   */
  maxDecodeBytes?: number;
}

/** Decodes PNG or JPEG bytes into host memory as [1, C, H, W] float32 in [0, 1]. */
export function decodeImageHost(input: Uint8Array | ArrayBuffer, options: ImageOptions = {}): HostTensor {
  const what = `imageToTensor(${options.name ?? 'bytes'})`;
  const bytes = asBytes(input, what);
  const limits = decodeLimits(bytes.length, options);
  const format = isPng(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : undefined;
  if (format === undefined) {
    throw new FormatError(`${what}: not a PNG or JPEG file (starts with ${describeStart(bytes)})`);
  }
  try {
    return format === 'PNG' ? decodePng(bytes, what, limits) : decodeJpeg(bytes, what, limits);
  } catch (error) {
    if (error instanceof FormatError && error.message.startsWith(what)) throw error;
    // Decoder libraries throw plain Errors/RangeErrors (or strings) on corrupt data: wrap them.
    const message = error instanceof Error ? error.message : String(error);
    throw new FormatError(`${what}: corrupt ${format}: ${message}`, { cause: error });
  }
}

/**
 * Decodes PNG or JPEG bytes synchronously (works in the browser) to a [1, C, H, W] float32 Tensor in [0, 1].
 * C is 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
 */
export function decodeImage(input: Uint8Array | ArrayBuffer, options: ImageOptions = {}): Tensor {
  return toTensor(decodeImageHost(input, options));
}

/**
 * Loads a PNG/JPEG from a path (Node), a URL (fetch) or bytes into a [1, C, H, W] float32 Tensor in [0, 1].
 * @example const img = await imageToTensor('digit.png'); preprocessDigit(img);
 */
export async function imageToTensor(
  pathOrBytes: string | URL | Uint8Array | ArrayBuffer,
  options: ImageOptions = {},
): Promise<Tensor> {
  if (typeof pathOrBytes === 'string' || pathOrBytes instanceof URL) {
    const name = options.name ?? String(pathOrBytes);
    return decodeImage(await readSource(pathOrBytes, name), { ...options, name });
  }
  return decodeImage(pathOrBytes, options);
}

/** Converts browser canvas ImageData (RGBA bytes) to a [1, 4, H, W] float32 Tensor in [0, 1]. */
export function imageDataToTensor(image: { data: ArrayLike<number>; width: number; height: number }): Tensor {
  const pixels = image.width * image.height;
  if (image.data.length !== pixels * 4) {
    throw new FormatError(`imageDataToTensor: ${image.data.length} bytes for ${image.width}x${image.height} RGBA`);
  }
  const out = new Float32Array(4 * pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 4; c++) out[c * pixels + p] = image.data[p * 4 + c]! / 255;
  }
  return toTensor({ data: out, shape: [1, 4, image.height, image.width], dtype: 'float32' });
}

async function readSource(source: string | URL, name: string): Promise<Uint8Array> {
  const isUrl = source instanceof URL ? source.protocol !== 'file:' : /^(https?|data|blob):/i.test(source);
  const inNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  try {
    if (isUrl || !inNode) {
      const response = await fetch(source);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    const { readFile } = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    return await readFile(source);
  } catch (error) {
    throw new NNError(`imageToTensor(${name}): cannot read: ${(error as Error).message}`, { cause: error });
  }
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'nothing: the input is empty';
  return `0x${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
