import { AllocationError, conv2d, getBackend, matmul, memory, ones, randn, setBackend, tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend';
import { sizeClass, WasmHeap } from './heap';
import '../src/index';

describe('WasmHeap', () => {
  it('rounds to 16-byte size classes with at most 25% slack', () => {
    expect(sizeClass(0)).toBe(16);
    expect(sizeClass(17)).toBe(32);
    expect(sizeClass(1024)).toBe(1024);
    for (const bytes of [1025, 5000, 123457, 4_000_001]) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 16).toBe(0);
      expect(c / bytes).toBeLessThanOrEqual(1.25);
    }
  });

  it('aligns blocks, reuses freed blocks of the same class, and counts what is in use', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 100 }), 1000);
    const a = heap.alloc(100);
    const b = heap.alloc(100);
    expect(a % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 100);
    expect(heap.blocksInUse).toBe(2);
    heap.release(a, 100);
    expect(heap.blocksInUse).toBe(1);
    expect(heap.alloc(110)).toBe(a);
    expect(heap.alloc(100)).not.toBe(a);
  });

  it('grows the memory and keeps earlier data intact', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1000 });
    const heap = new WasmHeap(memory, 0);
    const first = heap.alloc(4000);
    heap.f32.set([1, 2, 3, 4], first >> 2);
    const big = heap.alloc(5_000_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 5_000_000);
    expect(Array.from(heap.f32.subarray(first >> 2, (first >> 2) + 4))).toEqual([1, 2, 3, 4]);
  });

  it('grows by just what a block needs when the memory cannot take the usual headroom', () => {
    // 80 pages may grow to 100: the usual growth (half, 40 pages) is refused, the 2 pages needed are not.
    const memory = new WebAssembly.Memory({ initial: 80, maximum: 100 });
    const heap = new WasmHeap(memory, 80 * 65536 - 64);
    const ptr = heap.alloc(100_000);
    expect(memory.buffer.byteLength).toBe(82 * 65536);
    heap.f32[(ptr + 99_996) >> 2] = 5;
    expect(heap.f32[(ptr + 99_996) >> 2]).toBe(5);
  });
});

describe('wasm out of memory', () => {
  it('refuses a tensor past the wasm32 limit with an AllocationError naming the op and the bytes', async () => {
    await setBackend('wasm');
    const [a, b] = [ones([70000, 1]), ones([1, 70000])];
    const before = memory();
    expect(() => matmul(a, b)).toThrow(AllocationError);
    expect(() => matmul(a, b)).toThrow(
      /^matmul: cannot allocate \[70000,70000\] float32 \(19600000000 bytes\).*out of memory/,
    );
    expect(memory()).toEqual(before);
    a.dispose();
    b.dispose();
  });

  it('frees what a kernel allocated before a work buffer failed, and stays usable', async () => {
    await setBackend('wasm');
    const backend = getBackend().backend as WasmBackend;
    // A 64x64 window over 64 channels, 'same' padding: im2col's columns would be 262144 x 262144 floats (256 GiB)
    // for an output of 1 MiB, allocated first.
    const [x, w] = [ones([1, 64, 512, 512]), ones([1, 64, 64, 64])];
    conv2d(ones([1, 64, 8, 8]), ones([1, 64, 3, 3])).dispose(); // the GEMM scratch, kept for good
    const [ids, bytes] = [backend.numDataIds(), backend.heap.bytesInUse];
    expect(() => conv2d(x, w, { padding: 'same' })).toThrow(AllocationError);
    expect(() => conv2d(x, w, { padding: 'same' })).toThrow(/^conv2d: .*a block of 274877906944 bytes/);
    expect(backend.numDataIds()).toBe(ids);
    expect(backend.heap.bytesInUse).toBe(bytes);
    const y = conv2d(ones([1, 2, 3, 3]), ones([1, 2, 2, 2]));
    expect(Array.from(y.dataSync())).toEqual([8, 8, 8, 8]);
    for (const t of [x, w, y]) t.dispose();
  });
});

describe('WasmBackend storage', () => {
  it('writes, reads copies, frees, and counts data ids honestly', async () => {
    const backend = await createWasmBackend({ initialMiB: 1 });
    const id = backend.write(new Float32Array([1, 2, 3]), [3], 'float32');
    const ints = backend.write(new Int32Array([7, -8]), [2], 'int32');
    expect(backend.numDataIds()).toBe(2);
    const read = backend.readSync(id);
    expect(Array.from(read)).toEqual([1, 2, 3]);
    read[0] = 99;
    expect(Array.from(backend.readSync(id))).toEqual([1, 2, 3]);
    expect(Array.from(await backend.read(ints))).toEqual([7, -8]);
    backend.disposeData(id);
    backend.disposeData(id);
    expect(backend.numDataIds()).toBe(1);
    expect(() => backend.readSync(id)).toThrow(/disposed/);
    expect(backend.supportsDType('float64')).toBe(false);
  });

  it('keeps tensors intact while the memory grows past its initial size', async () => {
    const backend = await createWasmBackend({ initialMiB: 1 });
    const small = backend.write(new Float32Array([4, 5, 6]), [3], 'float32');
    const large = backend.write(new Float32Array(3_000_000).fill(2), [3_000_000], 'float32');
    expect(backend.heap.memory.buffer.byteLength).toBeGreaterThan(12_000_000);
    expect(Array.from(backend.readSync(small))).toEqual([4, 5, 6]);
    expect(backend.readSync(large)[2_999_999]).toBe(2);
  });
});

describe('memory() on the wasm backend', () => {
  it('is honest after dispose and tidy', async () => {
    await setBackend('wasm');
    const before = memory();
    const x = randn([64, 32], { seed: 1 });
    const y = engine.tidy(() => x.mul(2).add(1).relu());
    expect(memory().numTensors).toBe(before.numTensors + 2);
    expect(memory().numDataIds).toBe(before.numDataIds + 2);
    x.dispose();
    y.dispose();
    expect(memory()).toEqual(before);
  });

  it('float64 tensors stay on the cpu backend', async () => {
    await setBackend('wasm');
    const t = tensor([1, 2], undefined, 'float64');
    expect(t.add(t).dtype).toBe('float64');
    expect(Array.from(t.add(t).dataSync())).toEqual([2, 4]);
  });
});
