import { describe, expect, it } from 'vitest';
import { StateError } from '../../errors';
import { KERNEL_NAMES } from '../../kernels/contract';
import { CpuBackend } from './backend';

describe('CpuBackend storage', () => {
  it('copies written values unless ownership is handed over', () => {
    const backend = new CpuBackend();
    const values = new Float32Array([1, 2]);
    const copied = backend.write(values, [2], 'float32');
    const owned = backend.write(values, [2], 'float32', true);
    values[0] = 9;
    expect(Array.from(backend.readSync(copied))).toEqual([1, 2]);
    expect(backend.readSync(owned)).toBe(values);
  });

  it('counts, reads asynchronously and disposes blocks', async () => {
    const backend = new CpuBackend();
    const id = backend.write(new Int32Array([3]), [1], 'int32');
    expect(backend.numDataIds()).toBe(1);
    expect(Array.from(await backend.read(id))).toEqual([3]);
    backend.disposeData(id);
    expect(backend.numDataIds()).toBe(0);
    expect(() => backend.readSync(id)).toThrow(StateError);
    await expect(backend.read(id)).rejects.toThrow(StateError);
  });

  it('describes itself and implements every kernel of the contract', () => {
    const backend = new CpuBackend();
    expect(backend.name).toBe('cpu');
    expect(backend.floatPrecision()).toBe(64);
    expect(['float32', 'int32', 'float64'].every((d) => backend.supportsDType(d as 'float32'))).toBe(true);
    expect(Object.keys(backend.kernels).sort()).toEqual([...KERNEL_NAMES].sort());
  });
});
