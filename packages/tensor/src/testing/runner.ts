/** Runs the conformance cases on one backend and reports what passed, failed and was skipped. */
import {
  type Backend,
  type DType,
  engine,
  getBackend,
  KERNEL_NAMES,
  type KernelName,
  type KernelRecorder,
  memory,
  setBackend,
  type Tensor,
  tidy,
} from '@nn/tensor';
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
 * @example const report = await runConformance('wasm', { tolerance: 1e-4, skip: ['Conv2DBackpropFilter'] });
 */
export async function runConformance(
  backendName: string,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const { tolerance = 1e-4, skip = [], checkLeaks = true, cases = conformanceCases } = options;
  const previous = getBackend().name;
  await setBackend(backendName);
  const backend = getBackend().backend;
  const report: ConformanceReport = { backend: backend.name, passed: [], failed: [], skipped: [], kernelsCovered: [] };
  const skipped = new Set<KernelName>(skip);
  const covered = new Set<KernelName>();
  const ran = new Set<KernelName>();
  const recorder: KernelRecorder = { record: (entry) => ran.add(entry.kernelName) };
  const previousCheckLeaks = engine.checkLeaks;
  engine.checkLeaks = checkLeaks;
  engine.addRecorder(recorder);
  try {
    for (const c of cases) {
      const usesSkippedKernel = c.kernels.some((k) => skipped.has(k));
      const needsMissingDType = (c.dtypes ?? []).some((d) => !backend.supportsDType(d));
      if (usesSkippedKernel || needsMissingDType) {
        report.skipped.push(c.name);
        continue;
      }
      ran.clear();
      const message = await runCase(c, backend, tolerance, checkLeaks, ran);
      for (const k of ran) covered.add(k);
      if (message === null) report.passed.push(c.name);
      else report.failed.push({ name: c.name, message } satisfies ConformanceFailure);
    }
  } finally {
    engine.removeRecorder(recorder);
    engine.checkLeaks = previousCheckLeaks;
    await setBackend(previous).catch(() => undefined);
  }
  report.kernelsCovered = KERNEL_NAMES.filter((k) => covered.has(k));
  return report;
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
  ran: Set<KernelName>,
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
    const missing = c.kernels.filter((k) => !ran.has(k));
    if (missing.length > 0) problems.push(`declared kernel(s) ${missing.join(', ')} did not run`);
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
