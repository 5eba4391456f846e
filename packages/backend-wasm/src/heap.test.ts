import { memory, randn, setBackend, tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend';
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
