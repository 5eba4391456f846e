/**
 * Runs the conformance cases on one backend and reports what passed, failed and was skipped. A case fails when a
 * kernel of it fell back to the CPU kernels (by the engine, or by the backend's own report) unless the backend
 * declared that kernel, that dtype of it or those attribute values, in its `notImplemented` list: a missing kernel is
 * never silent.
 */
import { type DType, getBackend, memory, setBackend, type Tensor, tidy } from '@nn/tensor';
import {
  type Backend,
  declaresAttrs,
  engine,
  KERNEL_NAMES,
  type KernelCall,
  type KernelName,
  type KernelObserver,
  type NotImplemented,
} from '@nn/tensor/backend';
import { conformanceCases } from './cases';
import { flattenNested, nestedShape } from './reference';
import type {
  ConformanceCase,
  ConformanceFailure,
  ConformanceOptions,
  ConformanceReport,
  Expected,
  ExpectedTensor,
} from './types';

/**
 * Runs every conformance case on backend `backendName`, then switches back to the previous backend.
 * @example const report = await runConformance('wasm', { tolerance: 1e-4 });
 */
export async function runConformance(
  backendName: string,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const { tolerance = 1e-4, skip = [], checkLeaks = true, cases = conformanceCases } = options;
  const previous = getBackend().name;
  await setBackend(backendName);
  const backend = getBackend().backend;
  const report: ConformanceReport = {
    backend: backend.name,
    passed: [],
    failed: [],
    skipped: [],
    kernelsCovered: [],
    fallbackKernels: [],
  };
  const skipped = new Set<KernelName>(skip);
  const unsupported = new Set(unsupportedCases(backend, cases));
  const covered = new Set<KernelName>();
  const fellBack = new Set<KernelName>();
  const calls: KernelCall[] = [];
  const observer: KernelObserver = (call) => calls.push(call);
  const saved = { checkLeaks: engine.checkLeaks, checkKernels: engine.checkKernels };
  engine.checkLeaks = checkLeaks;
  engine.checkKernels = true;
  engine.addObserver(observer);
  try {
    for (const c of cases) {
      if (unsupported.has(c.name) || c.kernels.some((k) => skipped.has(k))) {
        report.skipped.push(c.name);
        continue;
      }
      calls.length = 0;
      const problems = await runCase(c, backend, tolerance, checkLeaks, calls);
      for (const call of calls) {
        covered.add(call.kernelName);
        if (call.fallback) fellBack.add(call.kernelName);
      }
      if (problems === null) report.passed.push(c.name);
      else report.failed.push({ name: c.name, message: problems } satisfies ConformanceFailure);
    }
  } finally {
    engine.removeObserver(observer);
    engine.checkLeaks = saved.checkLeaks;
    engine.checkKernels = saved.checkKernels;
    await setBackend(previous).catch(() => undefined);
  }
  report.kernelsCovered = KERNEL_NAMES.filter((k) => covered.has(k));
  report.fallbackKernels = KERNEL_NAMES.filter((k) => fellBack.has(k));
  return report;
}

/**
 * The cases `backend` cannot run, from their metadata: those needing a dtype it cannot store (float64 on wasm and
 * gpu). `runConformance` skips exactly these (plus any using a kernel in `skip`).
 * @example expect(report.skipped).toEqual(unsupportedCases(getBackend().backend));
 */
export function unsupportedCases(backend: Backend, cases: readonly ConformanceCase[] = conformanceCases): string[] {
  return cases.filter((c) => (c.dtypes ?? []).some((d) => !backend.supportsDType(d))).map((c) => c.name);
}

/**
 * What is wrong with a backend's kernel map: every kernel of the spec must be in it, except those the backend
 * declares as not implemented as a whole, which must not be (a dtype-only declaration needs the kernel in the map).
 * Returns one message per problem: a backend's test expects `[]`.
 * @example expect(checkKernelMap(await createWasmBackend())).toEqual([]);
 */
export function checkKernelMap(backend: Backend): string[] {
  const declared = backend.notImplemented ?? [];
  const whole = new Set(declared.filter((d): d is KernelName => typeof d === 'string'));
  const problems: string[] = [];
  for (const name of KERNEL_NAMES) {
    const inMap = backend.kernels[name] !== undefined;
    if (!inMap && !whole.has(name)) problems.push(`${name}: not in the kernel map and not declared as not implemented`);
    if (inMap && whole.has(name)) problems.push(`${name}: declared as not implemented but in the kernel map`);
  }
  for (const entry of declared) {
    const name = typeof entry === 'string' ? entry : entry.kernel;
    if (!KERNEL_NAMES.includes(name))
      problems.push(`${name}: declared as not implemented but not a kernel of the spec`);
    else if (typeof entry !== 'string' && backend.kernels[name] === undefined) {
      const what =
        'dtypes' in entry
          ? `dtypes ${entry.dtypes.join(', ')}`
          : `attributes other than ${JSON.stringify(entry.attrs)}`;
      problems.push(`${name}: declared for ${what} but not in the kernel map at all`);
    }
  }
  for (const key of Object.keys(backend.kernels)) {
    if (!(KERNEL_NAMES as readonly string[]).includes(key))
      problems.push(`${key}: in the kernel map but not a kernel of the spec`);
  }
  return problems;
}

/**
 * Whether `backend` declared the fallback `call`: the whole kernel, a dtype one of its inputs has, or attribute values
 * it does not take.
 */
function declared(declarations: readonly NotImplemented[], call: KernelCall): boolean {
  return declarations.some((d) => {
    if (typeof d === 'string') return d === call.kernelName;
    if ('attrs' in d) return declaresAttrs(d, call.kernelName, call.attrs);
    return d.kernel === call.kernelName && call.inputs.some((t) => d.dtypes.includes(t.dtype));
  });
}

/** Kernels of the contract that no conformance case exercises (should be empty). */
export function conformanceKernelCoverage(cases: readonly ConformanceCase[] = conformanceCases): KernelName[] {
  const declared = new Set(cases.flatMap((c) => c.kernels));
  return KERNEL_NAMES.filter((k) => !declared.has(k));
}

interface Counts {
  tensors: number;
  bytes: number;
  dataIds: number;
}

function counts(backend: Backend): Counts {
  const cpu = engine.cpuBackend();
  const m = memory();
  // Fallback kernels move data to the CPU backend, so storage is counted on both.
  const dataIds = backend.numDataIds() + (cpu === backend ? 0 : cpu.numDataIds());
  return { tensors: m.numTensors, bytes: m.numBytes, dataIds };
}

/** Runs one case; returns null when it passes, else what went wrong. */
async function runCase(
  c: ConformanceCase,
  backend: Backend,
  tolerance: number,
  checkLeaks: boolean,
  calls: readonly KernelCall[],
): Promise<string | null> {
  const before = counts(backend);
  let outputs: Tensor[] = [];
  const problems: string[] = [];
  try {
    const spec = typeof c.expected === 'function' ? c.expected() : c.expected;
    const result = tidy(() => c.run());
    outputs = Array.isArray(result) ? result : [result];
    const expectations = Array.isArray(result) ? (spec as readonly Expected[]) : [spec as Expected];
    if (!Array.isArray(expectations) || expectations.length !== outputs.length) {
      return `case returned ${outputs.length} tensor(s) but expects ${Array.isArray(expectations) ? expectations.length : 1}`;
    }
    for (let i = 0; i < outputs.length; i++) {
      const label = outputs.length > 1 ? `output ${i}: ` : '';
      const problem = await check(outputs[i]!, normalize(expectations[i]!), c.tolerance ?? tolerance, tolerance);
      if (problem !== null) problems.push(label + problem);
    }
    const ran = new Set(calls.map((call) => call.kernelName));
    const missing = c.kernels.filter((k) => !ran.has(k));
    if (missing.length > 0) problems.push(`declared kernel(s) ${missing.join(', ')} did not run`);
    const undeclared = new Set(
      calls.filter((call) => call.fallback && !declared(backend.notImplemented ?? [], call)).map((k) => k.kernelName),
    );
    if (undeclared.size > 0) {
      problems.push(
        `${[...undeclared].join(', ')} ran on the CPU fallback but backend '${backend.name}' does not declare it in notImplemented`,
      );
    }
  } catch (error) {
    problems.push(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  } finally {
    for (const t of outputs) t.dispose();
  }
  if (checkLeaks) {
    const after = counts(backend);
    for (const key of ['tensors', 'bytes', 'dataIds'] as const) {
      if (after[key] !== before[key])
        problems.push(`leaked ${after[key] - before[key]} ${key} (${before[key]} -> ${after[key]})`);
    }
  }
  return problems.length === 0 ? null : problems.join('; ');
}

function isExpectedTensor(e: Expected): e is ExpectedTensor {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && 'values' in e;
}

interface Normalized {
  shape: readonly number[];
  values: number[];
  dtype?: DType;
}

function normalize(e: Expected): Normalized {
  if (!isExpectedTensor(e)) return { shape: nestedShape(e), values: flattenNested(e) };
  const values = flattenNested(e.values);
  return { shape: e.shape ?? nestedShape(e.values), values, ...(e.dtype ? { dtype: e.dtype } : {}) };
}

const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

async function check(
  t: Tensor,
  expected: Normalized,
  caseTolerance: 'exact' | number,
  backendTolerance: number,
): Promise<string | null> {
  if (fmt(t.shape) !== fmt(expected.shape)) return `shape ${fmt(t.shape)}, expected ${fmt(expected.shape)}`;
  if (expected.dtype !== undefined && t.dtype !== expected.dtype) return `dtype ${t.dtype}, expected ${expected.dtype}`;
  const actual = await t.data();
  if (actual.length !== expected.values.length) {
    return `${actual.length} values, expected ${expected.values.length} (shape ${fmt(expected.shape)})`;
  }
  const exact = caseTolerance === 'exact' || t.dtype === 'int32';
  // A case's number loosens the backend's tolerance; float64 results must meet it exactly (precision checks).
  const tol =
    caseTolerance === 'exact' ? 0 : t.dtype === 'float64' ? caseTolerance : Math.max(caseTolerance, backendTolerance);
  let mismatches = 0;
  let first = '';
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = t.dtype === 'float32' && exact ? Math.fround(expected.values[i]!) : expected.values[i]!;
    if (close(a, e, exact ? 0 : tol)) continue;
    mismatches++;
    const error = Math.abs(a - e);
    if (mismatches === 1) first = `at flat index ${i}: got ${a}, expected ${e}`;
    if (!(error <= worst)) worst = error;
  }
  if (mismatches === 0) return null;
  const mode = exact ? 'exactly' : `within ${tol}`;
  return `${mismatches}/${actual.length} values differ (${mode}); first ${first}; worst error ${worst}`;
}

function close(a: number, e: number, tol: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= tol * (1 + Math.abs(e));
}
