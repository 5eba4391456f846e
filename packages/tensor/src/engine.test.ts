/**
 * Memory accounting across `tidy`, `keep` and garbage collection. Tensors made inside `tidy` are handed to
 * the FinalizationRegistry only when they escape (returned from the outermost scope, or kept), so these
 * tests drop escaped tensors without disposing them and check that a collection still brings the counts
 * back. Each test leaves the engine as it found it; the file runs in its own module graph.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { engine } from './engine';
import { add, mul, ones, sum, zeros } from './ops';
import { dispose, keep, memory, tidy } from './runtime';
import type { Tensor } from './tensor';

/**
 * `global.gc` when node runs with --expose-gc; otherwise the flag is turned on now and a fresh context's
 * `gc` is used (what jest's leak detector does). Vitest does not expose it by default.
 */
function gcFunction(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
const gc = gcFunction();

/** Collects garbage until `done()` (FinalizationRegistry callbacks run in later tasks), or gives up. */
async function collectUntil(done: () => boolean, attempts = 50): Promise<void> {
  for (let attempt = 0; attempt < attempts && !done(); attempt++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function counts(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = memory();
  return { numTensors, numBytes };
}

/** Runs `make` and drops what it returns, in a frame of its own so no local keeps it reachable. */
function makeAndDrop(make: () => unknown): void {
  make();
}

describe.skipIf(gc === undefined)('garbage collection keeps memory() honest', () => {
  it('a tensor returned from tidy and dropped without dispose is collected', async () => {
    const before = counts();
    makeAndDrop(() => tidy(() => ones([256]).add(1)));
    expect(counts()).toEqual({ numTensors: before.numTensors + 1, numBytes: before.numBytes + 1024 });
    await collectUntil(() => counts().numTensors === before.numTensors);
    expect(counts()).toEqual(before);
  });

  it('a tensor returned through nested tidy scopes is collected once dropped', async () => {
    const before = counts();
    makeAndDrop(() => tidy(() => tidy(() => tidy(() => zeros([8]).mul(2)))));
    // Returned as a list and an object too.
    makeAndDrop(() => tidy(() => [tidy(() => ({ y: zeros([8]).add(3) }))]));
    expect(counts()).toEqual({ numTensors: before.numTensors + 2, numBytes: before.numBytes + 64 });
    await collectUntil(() => counts().numTensors === before.numTensors);
    expect(counts()).toEqual(before);
  });

  it('a tensor kept inside tidy survives it and is collected once dropped', async () => {
    const before = counts();
    makeAndDrop(() =>
      tidy(() => {
        keep(ones([4]).mul(3));
        return tidy(() => {
          keep(ones([4]).mul(4)); // kept from an inner scope, past the outer one too
          return undefined;
        });
      }),
    );
    expect(counts()).toEqual({ numTensors: before.numTensors + 2, numBytes: before.numBytes + 32 });
    await collectUntil(() => counts().numTensors === before.numTensors);
    expect(counts()).toEqual(before);
  });

  it('a tensor assigned inside tidy and returned is collected with its new data', async () => {
    const before = counts();
    makeAndDrop(() =>
      tidy(() => {
        const target = zeros([16]);
        target.assign(ones([16]).mul(5));
        return target;
      }),
    );
    expect(counts()).toEqual({ numTensors: before.numTensors + 1, numBytes: before.numBytes + 64 });
    await collectUntil(() => counts().numTensors === before.numTensors);
    expect(counts()).toEqual(before);
  });

  it('disposed escapees and updated parameters are never counted twice', async () => {
    const before = counts();
    // Disposed inside tidy, then returned anyway: nothing is left for the collector to release.
    makeAndDrop(() =>
      tidy(() => {
        const t = ones([4]);
        t.dispose();
        return t;
      }),
    );
    // Kept, then disposed by hand.
    tidy(() => keep(ones([4]).add(1))).dispose();
    // A parameter made outside tidy and updated inside it, the way optimizers do, then dropped.
    makeAndDrop(() => {
      const parameter = zeros([4]);
      for (let step = 0; step < 3; step++) tidy(() => parameter.assign(parameter.add(1)));
      return parameter;
    });
    await collectUntil(() => counts().numTensors <= before.numTensors);
    await collectUntil(() => false, 10); // a few more collections: any double release would show now
    expect(counts()).toEqual(before);
  });
});

describe('tidy, keep and the counts', () => {
  it('nested tidy returns move to the parent scope, which frees them unless it returns them too', () => {
    const before = counts();
    let inner: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => ones([2]).add(1));
      expect(inner.isDisposed).toBe(false);
      return inner.mul(2);
    });
    expect(inner?.isDisposed).toBe(true);
    expect(outer.toArray()).toEqual([4, 4]);
    outer.dispose();
    expect(counts()).toEqual(before);
  });

  it('keep inside tidy survives every scope around it and can still be disposed', () => {
    const before = counts();
    let kept: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(ones([3]).mul(2));
      });
      expect(kept?.isDisposed).toBe(false);
    });
    expect(kept?.toArray()).toEqual([2, 2, 2]);
    expect(counts().numTensors).toBe(before.numTensors + 1);
    kept?.dispose();
    expect(counts()).toEqual(before);
  });

  it('a tidy that throws frees what it made', () => {
    const before = counts();
    expect(() =>
      tidy(() => {
        ones([5]).add(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(counts()).toEqual(before);
  });

  it('numTensors and numBytes stay flat over many tidy steps', () => {
    const parameter = zeros([32]);
    const x = ones([32]);
    const flat = counts();
    const seen = new Set<string>();
    for (let step = 0; step < 2000; step++) {
      const loss = tidy(() => {
        const y = add(mul(parameter, x), 1);
        parameter.assign(parameter.sub(y.mul(0.001)));
        return sum(y.square());
      });
      loss.dispose();
      if (step % 100 === 0) seen.add(JSON.stringify(counts()));
    }
    expect([...seen]).toEqual([JSON.stringify(flat)]);
    expect(engine.memory().numDataIds).toBe(engine.backend().numDataIds());
    dispose([parameter, x]);
  });
});

describe('memory()', () => {
  it("adds the active backend's own report as `backend` when it has one", () => {
    const backend = engine.backend();
    expect('backend' in memory()).toBe(false);
    const report = { deviceBytes: 64, cachedKernels: 3 };
    Object.assign(backend, { memory: () => report });
    try {
      expect(memory().backend).toEqual(report);
      expect(memory().numDataIds).toBe(backend.numDataIds());
    } finally {
      delete (backend as { memory?: unknown }).memory;
    }
  });
});
