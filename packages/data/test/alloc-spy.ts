// Counts the memory a synchronous call allocates in typed arrays, by swapping the global typed-array
// constructors for counting subclasses while it runs. Decoders that call `new Int32Array(n)` and friends at run
// time (jpeg-js, fast-png) are counted; code that captured a constructor at load time (fflate) is not.

const NAMES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
] as const;

/** Bytes V8 spends per typed array besides its data (the JS objects and the backing-store record). */
export const TYPED_ARRAY_OVERHEAD = 256;

type Ctor = new (...args: unknown[]) => ArrayBufferView;

/** Runs `fn`, returning its result or error and the bytes of new typed-array memory it allocated. */
export function countAllocations<T>(fn: () => T): { result?: T; error?: unknown; bytes: number; arrays: number } {
  const globals = globalThis as unknown as Record<string, Ctor>;
  const originals = NAMES.map((name) => globals[name]!);
  let bytes = 0;
  let arrays = 0;
  NAMES.forEach((name, i) => {
    const Base = originals[i]!;
    globals[name] = class extends Base {
      constructor(...args: unknown[]) {
        super(...args);
        // A view on an existing buffer (subarray, `new Uint8Array(buffer, offset)`) allocates no new memory.
        if (!(args[0] instanceof ArrayBuffer || args[0] instanceof SharedArrayBuffer)) {
          bytes += this.byteLength + TYPED_ARRAY_OVERHEAD;
          arrays++;
        }
      }
    } as Ctor;
  });
  try {
    return { result: fn(), bytes, arrays };
  } catch (error) {
    return { error, bytes, arrays };
  } finally {
    NAMES.forEach((name, i) => {
      globals[name] = originals[i]!;
    });
  }
}
