import { describe, expect, it } from 'vitest';
import type { Backend } from './backend';
import { BackendRegistry } from './backend-registry';
import { CpuBackend } from './backends/cpu/backend';
import { NNError, StateError } from './errors';
import { KERNEL_NAMES } from './kernels/names';

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

  it('reports coverage and counts fallbacks until reset', async () => {
    const registry = new BackendRegistry();
    registry.register('partial', () => partialBackend('partial'), 1);
    await registry.select('partial');
    const coverage = registry.info().kernelCoverage();
    expect(coverage.implemented).toEqual(['Add']);
    expect(coverage.fallback).toEqual(KERNEL_NAMES.filter((k) => k !== 'Add'));
    registry.countFallback('Mul');
    registry.countFallback('Mul');
    expect(registry.info().kernelCoverage().fallbackCalls).toEqual({ Mul: 2 });
    // A snapshot: the counts it returned do not change under it.
    expect(coverage.fallbackCalls).toEqual({});
    registry.info().kernelCoverage().resetCounts();
    expect(registry.info().kernelCoverage().fallbackCalls).toEqual({});
  });
});
