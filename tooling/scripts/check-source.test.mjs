import { describe, expect, it } from 'vitest';
import {
  checkSource,
  cycleProblems,
  directionProblems,
  importCycles,
  KNOWN_CYCLES,
  lineBudgetProblems,
  runtimeImports,
} from './check-source.mjs';

describe('the line budget', () => {
  it('fails a file over the budget unless listed, and a listed file that is not over it', () => {
    const counts = { 'a.ts': 401, 'b.ts': 400, 'c.ts': 900 };
    expect(lineBudgetProblems(counts, { 'c.ts': 'a table' }, 400)).toEqual([
      'a.ts: 401 lines, over the 400-line budget (split it, or list it with a reason)',
    ]);
    expect(lineBudgetProblems(counts, { 'a.ts': 'x', 'b.ts': 'y', 'c.ts': 'z', 'gone.ts': 'w' }, 400)).toEqual([
      'b.ts: 400 lines, within budget: drop it from the exceptions',
      'gone.ts: listed as a line-budget exception but does not exist',
    ]);
  });
});

describe('runtime imports', () => {
  it('reads static imports and re-exports, and skips type-only and dynamic ones', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import * as c from '../c';",
      "import './d';",
      "export { e } from './e';",
      "export type { F } from './f';",
      "export * from '@nn/tensor/backend';",
      "import {\n  g,\n  type H,\n} from '@nn/g';",
      "const later = await import('./lazy');",
    ].join('\n');
    expect(runtimeImports(text)).toEqual(['./a', '../c', './d', './e', '@nn/tensor/backend', '@nn/g']);
  });
});

describe('the import direction', () => {
  const allowed = { tensor: [], autograd: ['tensor'], 'backend-wasm': ['tensor'] };
  it('fails an import pointing up the package order, subpaths included', () => {
    const imports = {
      'packages/autograd/src/a.ts': ['@nn/tensor', '@nn/tensor/backend', './b'],
      'packages/tensor/src/x.ts': ['@nn/autograd'],
      'packages/backend-wasm/src/y.ts': ['@nn/autograd/testing'],
      'apps/demo/src/z.ts': ['@nn/autograd'],
    };
    expect(directionProblems(imports, allowed, {})).toEqual([
      'packages/tensor/src/x.ts: imports @nn/autograd, which @nn/tensor may not (it may import: nothing of ours)',
      'packages/backend-wasm/src/y.ts: imports @nn/autograd, which @nn/backend-wasm may not (it may import: tensor)',
    ]);
  });
  it('allows the listed test imports only for their own file and packages', () => {
    const imports = { 'packages/backend-wasm/src/t.test.ts': ['@nn/autograd', '@nn/layers'] };
    const exceptions = { 'packages/backend-wasm/src/t.test.ts': { packages: ['autograd'], reason: 'r' } };
    expect(directionProblems(imports, { ...allowed, layers: [] }, exceptions)).toEqual([
      'packages/backend-wasm/src/t.test.ts: imports @nn/layers, which @nn/backend-wasm may not (it may import: tensor)',
    ]);
  });
});

describe('import cycles', () => {
  it('finds every strongly connected component, self-imports included', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });
  it('fails a cycle that is not listed, and a listed one that is gone', () => {
    const imports = {
      'packages/p/src/a.ts': ['./b'],
      'packages/p/src/b.ts': ['./a', '@nn/tensor'],
      'packages/q/src/c.ts': ['./d/index'],
      'packages/q/src/d/index.ts': [],
    };
    expect(cycleProblems(imports, {})).toEqual([
      'packages/p: runtime import cycle not in KNOWN_CYCLES: src/a.ts <-> src/b.ts',
    ]);
    expect(cycleProblems(imports, { p: { files: ['src/a.ts', 'src/b.ts'], reason: 'r' } })).toEqual([]);
    expect(cycleProblems(imports, { q: { files: ['src/c.ts', 'src/d/index.ts'], reason: 'r' } })).toEqual([
      'packages/p: runtime import cycle not in KNOWN_CYCLES: src/a.ts <-> src/b.ts',
      'packages/q: the cycle listed in KNOWN_CYCLES is gone or changed',
    ]);
  });
  it('documents every known cycle', () => {
    for (const cycle of Object.values(KNOWN_CYCLES)) expect(cycle.reason.length).toBeGreaterThan(40);
  });
});

describe('the repository', () => {
  it('is within the budget, imports down the order and has only the known cycles', () => {
    expect(checkSource()).toEqual([]);
  });
});
