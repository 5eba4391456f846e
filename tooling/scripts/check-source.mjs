#!/usr/bin/env node
// Source guards, run by `npm test` (tooling/scripts/nn.mjs) after lint:
//   1. line budget: no source file passes BUDGET lines unless it is listed in LINE_BUDGET_EXCEPTIONS with a reason
//      (a listed file back under the budget is reported too, so the list never goes stale);
//   2. import direction: each package imports only the packages below it in ARCHITECTURE.md's order
//      (apps -> onnx -> layers -> optim -> autograd -> tensor; layers also uses data; data -> tensor;
//      backends -> tensor only), except the test-only imports listed in TEST_IMPORT_EXCEPTIONS;
//   3. runtime import cycles: modules of one package that import each other in a loop (type-only imports do not
//      count, nor do dynamic `import()`s) must be one of KNOWN_CYCLES, each documented.
// Usage: node tooling/scripts/check-source.mjs        (prints every problem; exits 1 if there is one)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const BUDGET = 400;

/** Files allowed past the budget, each with the reason. */
export const LINE_BUDGET_EXCEPTIONS = {
  'packages/tensor/src/testing/cases/binary.ts': 'a conformance case table (arithmetic, comparisons, where)',
  'packages/tensor/src/testing/cases/shape.ts': 'a conformance case table (reshape, transpose, slice, concat, pad)',
  'tooling/scripts/check-packages.mjs':
    'one pipeline (pack, publint, attw, install, smoke, bundle) whose steps share the scratch project',
};

/** What each package may import at run time (ARCHITECTURE.md: dependencies point one way, down the list). */
export const ALLOWED_IMPORTS = {
  tensor: [],
  autograd: ['tensor'],
  optim: ['tensor', 'autograd'],
  data: ['tensor'],
  layers: ['tensor', 'autograd', 'optim', 'data'],
  onnx: ['tensor', 'autograd', 'optim', 'data', 'layers'],
  'backend-wasm': ['tensor'],
  'backend-gpu': ['tensor'],
};

/** Imports against the order that tests and benchmarks make, each with the reason (file -> packages). */
export const TEST_IMPORT_EXCEPTIONS = {
  'packages/backend-gpu/src/gpu.test.ts': {
    packages: ['layers', 'optim'],
    reason: 'trains a small CNN for 500 steps to check that tensor and texture counts stay flat on the device',
  },
  'packages/backend-gpu/src/lenet.test.ts': {
    packages: ['autograd', 'data', 'layers', 'optim'],
    reason: 'trains LeNet-5 on MNIST on the gpu backend against the cpu backend',
  },
  'packages/backend-gpu/src/memory.test.ts': {
    packages: ['layers', 'optim'],
    reason: 'trains a small CNN with Adam (manual loop and fit) to check the heap after GC stays flat in every mode',
  },
  'packages/backend-gpu/test/browser/entry.ts': {
    packages: ['layers', 'optim'],
    reason: 'the Chromium page trains the same small CNN as gpu.test.ts',
  },
  'packages/backend-gpu/test/browser/webgpu-checks.ts': {
    packages: ['autograd', 'layers', 'optim'],
    reason: 'the WebGPU page trains models (fit, optimizers, valueAndGrad) to check queued kernels read back right',
  },
  'packages/onnx/src/backends.test.ts': {
    packages: ['backend-wasm'],
    reason: 'loadOnnx runs imported graphs with @nn ops on any backend: the import fixtures run on wasm too',
  },
  'packages/backend-wasm/src/failed-load.test.ts': {
    packages: ['layers'],
    reason:
      'a failed loadModel must free what it allocated in wasm memory too (1,000 failed loads on the wasm backend)',
  },
  'packages/backend-wasm/bench/attention-entry.ts': {
    packages: ['autograd'],
    reason: 'times fused attention and layerNorm forward+backward against the same ops composed, through valueAndGrad',
  },
  'packages/backend-wasm/bench/image-entry.ts': {
    packages: ['autograd'],
    reason: 'the image-op benchmark times forward + backward (valueAndGrad) on wasm against the cpu backend',
  },
  'packages/backend-wasm/bench/train-entry.ts': {
    packages: ['layers', 'optim'],
    reason: 'the training benchmark of the wasm kernels (LeNet-5, MLP), not part of the package',
  },
  'packages/backend-wasm/bench/transformer-entry.ts': {
    packages: ['layers', 'optim'],
    reason:
      'times a TransformerEncoderLayer forward and training step with the fused kernels native or on the CPU path',
  },
};

/**
 * Runtime import cycles that are deliberate, by the files they join (package-relative, sorted). Nothing in them
 * runs at module evaluation time that needs another member, which is what makes them safe.
 */
export const KNOWN_CYCLES = {
  tensor: {
    files: [
      'src/engine.ts',
      'src/kernel-call.ts',
      'src/ops/attention.ts',
      'src/ops/binary.ts',
      'src/ops/conv.ts',
      'src/ops/create.ts',
      'src/ops/index.ts',
      'src/ops/indexing.ts',
      'src/ops/matmul.ts',
      'src/ops/normalization.ts',
      'src/ops/optim.ts',
      'src/ops/pool.ts',
      'src/ops/random.ts',
      'src/ops/recurrent.ts',
      'src/ops/reduce.ts',
      'src/ops/resize.ts',
      'src/ops/selection.ts',
      'src/ops/shape.ts',
      'src/ops/softmax.ts',
      'src/ops/unary.ts',
      'src/tensor.ts',
    ],
    reason:
      'Tensor methods call the ops, the ops run kernels through the engine, the engine makes Tensors: each member ' +
      'only defines classes and functions at evaluation time (tensor.ts also reads the unary spec table, which is ' +
      'outside the cycle), and the methods survive bundlers that honour sideEffects: false',
  },
};

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', '.turbo', 'results', 'fixtures', 'models']);
const isSource = (file) => SOURCE.test(file) && !/\.d\.[cm]?ts$/.test(file);

/**
 * Every source file under packages/, apps/ and tooling/, relative to the repository root: the files git tracks or
 * would (ignored build output such as dist/ or dist-web/ left out); without git, a walk that skips build folders.
 */
export function sourceFiles(base = root) {
  const tops = ['packages', 'apps', 'tooling'];
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...tops], {
    cwd: base,
    encoding: 'utf8',
  });
  if (git.status === 0) {
    return git.stdout
      .split('\n')
      .filter((file) => file !== '' && isSource(file) && existsSync(join(base, file)))
      .sort();
  }
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (SKIPPED_DIRS.has(name) || name.startsWith('dist') || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (isSource(name)) found.push(path);
    }
  };
  for (const top of tops) if (existsSync(join(base, top))) walk(join(base, top));
  return found.map((path) => relative(base, path).split('\\').join('/')).sort();
}

/** Files over the budget without a listed reason, and listed files that are not (or no longer) over it. */
export function lineBudgetProblems(lineCounts, exceptions = LINE_BUDGET_EXCEPTIONS, budget = BUDGET) {
  const problems = [];
  for (const [file, lines] of Object.entries(lineCounts)) {
    if (lines > budget && !(file in exceptions)) {
      problems.push(`${file}: ${lines} lines, over the ${budget}-line budget (split it, or list it with a reason)`);
    }
  }
  for (const file of Object.keys(exceptions)) {
    const lines = lineCounts[file];
    if (lines === undefined) problems.push(`${file}: listed as a line-budget exception but does not exist`);
    else if (lines <= budget) problems.push(`${file}: ${lines} lines, within budget: drop it from the exceptions`);
  }
  return problems;
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

/** The modules a file imports at run time: `import type` and `export type` excluded, dynamic `import()` too. */
export function runtimeImports(text) {
  const specifiers = [];
  for (const match of text.matchAll(IMPORT)) {
    if (match[2]) continue;
    specifiers.push(match[3] ?? match[4]);
  }
  return specifiers;
}

/** `@nn/layers/node` -> 'layers'; anything else null. */
function nnPackage(specifier) {
  const match = /^@nn\/([a-z0-9-]+)/.exec(specifier);
  return match ? match[1] : null;
}

/** Imports of @nn packages that point up the order (file -> problem). */
export function directionProblems(importsByFile, allowed = ALLOWED_IMPORTS, exceptions = TEST_IMPORT_EXCEPTIONS) {
  const problems = [];
  for (const [file, specifiers] of Object.entries(importsByFile)) {
    const [top, pkg] = file.split('/');
    if (top !== 'packages' || !(pkg in allowed)) continue;
    for (const specifier of specifiers) {
      const target = nnPackage(specifier);
      if (target === null || target === pkg || allowed[pkg].includes(target)) continue;
      if (exceptions[file]?.packages.includes(target)) continue;
      problems.push(
        `${file}: imports @nn/${target}, which @nn/${pkg} may not (it may import: ${allowed[pkg].join(', ') || 'nothing of ours'})`,
      );
    }
  }
  return problems;
}

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.mjs', '.js', '/index.ts', '/index.mjs', '/index.js'];

/** The file a relative specifier of `from` names, or null. */
function resolveRelative(from, specifier, exists) {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(from), specifier).split('\\').join('/');
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (exists(candidate)) return candidate;
  }
  return null;
}

/** Strongly connected components of more than one file (or a file importing itself), each sorted. */
export function importCycles(graph) {
  let index = 0;
  const indices = new Map();
  const lowlinks = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node), lowlinks.get(next)));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node), indices.get(next)));
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

/** Cycles of a package's runtime import graph that KNOWN_CYCLES does not list, and listed ones that are gone. */
export function cycleProblems(importsByFile, known = KNOWN_CYCLES) {
  const exists = (file) => file in importsByFile;
  const byPackage = new Map();
  for (const [file, specifiers] of Object.entries(importsByFile)) {
    const [top, pkg] = file.split('/');
    if (top !== 'packages' && top !== 'apps') continue;
    const graph = byPackage.get(pkg) ?? new Map();
    byPackage.set(pkg, graph);
    graph.set(
      file,
      specifiers.map((s) => resolveRelative(file, s, exists)).filter((f) => f !== null),
    );
  }
  const problems = [];
  for (const [pkg, graph] of byPackage) {
    const prefix = [...graph.keys()][0].split('/').slice(0, 2).join('/');
    const expected = known[pkg]?.files.join(',');
    let found = false;
    for (const cycle of importCycles(graph)) {
      const files = cycle.map((f) => f.slice(prefix.length + 1));
      if (files.join(',') === expected) found = true;
      else problems.push(`${prefix}: runtime import cycle not in KNOWN_CYCLES: ${files.join(' <-> ')}`);
    }
    if (expected !== undefined && !found)
      problems.push(`${prefix}: the cycle listed in KNOWN_CYCLES is gone or changed`);
  }
  return problems;
}

/** Every problem in the repository at `base`. */
export function checkSource(base = root) {
  const lineCounts = {};
  const importsByFile = {};
  for (const file of sourceFiles(base)) {
    const text = readFileSync(resolve(base, file), 'utf8');
    lineCounts[file] = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    importsByFile[file] = runtimeImports(text);
  }
  return [...lineBudgetProblems(lineCounts), ...directionProblems(importsByFile), ...cycleProblems(importsByFile)];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkSource();
  for (const problem of problems) console.error(problem);
  console.log(
    problems.length === 0
      ? `check-source: line budget (${BUDGET}), import direction and import cycles ok`
      : `check-source: ${problems.length} problem(s)`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
