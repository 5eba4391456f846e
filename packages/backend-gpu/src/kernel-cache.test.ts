import { ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { KernelCache } from './kernel-cache';

/** A stand-in kernel that records whether it was destroyed. */
function fake(name: string, destroyed: string[]) {
  return { name, destroy: () => destroyed.push(name) };
}

describe('KernelCache', () => {
  it('compiles once per key and destroys the least recently used kernel past its capacity', () => {
    const destroyed: string[] = [];
    const cache = new KernelCache<ReturnType<typeof fake>>(2);
    const a = cache.get('a', () => fake('a', destroyed), 100);
    expect(cache.get('a', () => fake('a again', destroyed))).toBe(a);
    cache.get('b', () => fake('b', destroyed), 20);
    cache.get('a', () => fake('a again', destroyed)); // a is now the most recently used
    cache.get('c', () => fake('c', destroyed), 3);
    expect(destroyed).toEqual(['b']);
    expect(cache.size).toBe(2);
    expect({ compiled: cache.compiled, evicted: cache.evicted, bytes: cache.bytes }).toEqual({
      compiled: 3,
      evicted: 1,
      bytes: 103,
    });
  });

  it('never evicts a pinned kernel, and shrinks back to capacity once it is unpinned', () => {
    const destroyed: string[] = [];
    const cache = new KernelCache<ReturnType<typeof fake>>(1);
    const a = cache.get('a', () => fake('a', destroyed));
    cache.pin(a);
    cache.get('b', () => fake('b', destroyed));
    expect(destroyed).toEqual([]);
    expect(cache.size).toBe(2);
    cache.unpin(a);
    expect(destroyed).toEqual(['a']);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(destroyed).toEqual(['a', 'b']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new KernelCache(0)).toThrow(ValueError);
    expect(() => new KernelCache(1.5)).toThrow(/maxCachedKernels must be an integer >= 1, got 1.5/);
  });
});
