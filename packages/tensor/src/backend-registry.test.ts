import { describe, expect, it } from 'vitest';
import type { Backend } from './backend/interface';
import { BackendRegistry } from './backend-registry';
import { CpuBackend } from './backends/cpu/backend';
import { NNError, StateError } from './errors';
import { KERNEL_NAMES } from './kernels/contract';

/** A CPU backend under another name that implements only `Add`. */
function partialBackend(name: string): Backend {
  const cpu = new CpuBackend();
  return Object.assign(Object.create(cpu) as Backend, { name, kernels: { Add: cpu.kernels.Add } });
}

describe('BackendRegistry', () => {
  it('falls back to the CPU backend when nothing is registered', () => {
    const registry = new BackendRegistry();
    expect(registry.names()).toEqual([]);
    expect(registry.active()).toBe(registry.cpuBackend());
    expect(registry.info().name).toBe('cpu');
  });

  it('picks the highest-priority backend that starts synchronously', () => {
    const registry = new BackendRegistry();
    registry.register('cpu', () => registry.cpuBackend(), 1);
    registry.register('async', () => Promise.resolve(partialBackend('async')), 3);
    registry.register('sync', () => partialBackend('sync'), 2);
    expect(registry.names()).toEqual(['cpu', 'async', 'sync']);
    expect(registry.active().name).toBe('sync');
  });

  it('ready() starts the best backend, async ones included, skipping those that fail', async () => {
    const registry = new BackendRegistry();
    registry.register('cpu', () => registry.cpuBackend(), 1);
    registry.register('broken', () => Promise.reject(new Error('no device')), 5);
    registry.register('async', () => Promise.resolve(partialBackend('async')), 3);
    expect((await registry.ready()).name).toBe('async');
  });

  it('select() switches, rejects unknown names, and remove() forgets the active one', async () => {
    const registry = new BackendRegistry();
    registry.register('cpu', () => registry.cpuBackend(), 1);
    registry.register('other', () => partialBackend('other'), 0);
    await registry.select('other');
    expect(registry.active().name).toBe('other');
    await expect(registry.select('nope')).rejects.toThrow(StateError);
    await expect(registry.select('nope')).rejects.toThrow(/registered: cpu, other/);
    registry.remove('other');
    expect(registry.names()).toEqual(['cpu']);
    expect(registry.active().name).toBe('cpu');
  });

  it('rejects a factory that is not a function', () => {
    expect(() => new BackendRegistry().register('x', 42 as never)).toThrow(NNError);
  });

  it('reports coverage and counts native and fallback calls until reset', async () => {
    const registry = new BackendRegistry();
    registry.register('partial', () => partialBackend('partial'), 1);
    await registry.select('partial');
    const backend = registry.active();
    const coverage = registry.info().kernelCoverage();
    expect(coverage.implemented).toEqual(['Add']);
    expect(coverage.fallback).toEqual(KERNEL_NAMES.filter((k) => k !== 'Add'));
    registry.countCall(backend, 'Mul', true);
    registry.countCall(backend, 'Mul', true);
    registry.countCall(backend, 'Add', false);
    registry.countCall(registry.cpuBackend(), 'Sub', false);
    expect(registry.info().kernelCoverage()).toMatchObject({ fallbackCalls: { Mul: 2 }, nativeCalls: { Add: 1 } });
    // A snapshot: the counts it returned do not change under it.
    expect(coverage.fallbackCalls).toEqual({});
    registry.info().kernelCoverage().resetCounts();
    expect(registry.info().kernelCoverage()).toMatchObject({ fallbackCalls: {}, nativeCalls: {} });
  });

  it('reports a kernel declared as not implemented as a fallback even when it is in the map', async () => {
    const registry = new BackendRegistry();
    const declaring = Object.assign(partialBackend('declaring'), {
      notImplemented: ['Add', { kernel: 'Mul', dtypes: ['int32'] }] as const,
    });
    registry.register('declaring', () => declaring, 1);
    await registry.select('declaring');
    const coverage = registry.info().kernelCoverage();
    expect(coverage.implemented).toEqual([]);
    expect(coverage.fallback).toContain('Add');
    expect(coverage.notImplemented).toEqual(['Add', { kernel: 'Mul', dtypes: ['int32'] }]);
  });

  it("surfaces a backend's optional mode in info(), and leaves it out where there is none", async () => {
    const registry = new BackendRegistry();
    registry.register('variant', () => Object.assign(partialBackend('variant'), { mode: 'fast' }), 1);
    await registry.select('variant');
    expect(registry.info().mode).toBe('fast');
    expect('mode' in new BackendRegistry().info()).toBe(false);
  });
});
