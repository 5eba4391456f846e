/** The shapes of the conformance suite: cases, expectations and the report a backend gets back. */
import type { DType, KernelName, NestedArray, Shape, Tensor } from '@nn/tensor';

/** One expected output: values (nested or flat), and optionally its shape (else inferred from nesting) and dtype. */
export interface ExpectedTensor {
  values: NestedArray | readonly number[];
  shape?: Shape;
  dtype?: DType;
}

/** A nested array (its nesting is the expected shape) or an explicit `ExpectedTensor`. */
export type Expected = NestedArray | ExpectedTensor;

/** For a case whose `run` returns several tensors, one `Expected` per output, in order. */
export type ExpectedSpec = Expected | readonly Expected[];

/** One case of the conformance suite: ops to run, the kernels they exercise and the expected result. */
export interface ConformanceCase {
  /** Unique, and says what is being checked: `add: broadcast [2,1] + [1,3]`. */
  name: string;
  /** The kernels it exercises; a backend that skips any of them skips the case. Each must actually run. */
  kernels: readonly KernelName[];
  /** Builds inputs and runs ops (inside `tidy`); returns the output(s) to check. */
  run(): Tensor | Tensor[];
  /** Known values, or a function computing them with a naive float64 reference (from the same seeded inputs). */
  expected: ExpectedSpec | (() => ExpectedSpec);
  /**
   * 'exact' for pure data movement (int32 results are always compared exactly). A number loosens the backend's
   * tolerance for this case; for float64 outputs it is the tolerance itself (float64 must be precise).
   */
  tolerance?: 'exact' | number;
  /** dtypes beyond float32/int32 the case needs (float64): skipped where the backend cannot store them (see `unsupportedCases`). */
  dtypes?: readonly DType[];
}

/** Options of `runConformance`. */
export interface ConformanceOptions {
  /** Relative and absolute tolerance for float results: |actual - expected| <= tol * (1 + |expected|). */
  tolerance?: number;
  /**
   * Kernels whose cases are not run at all (reported as skipped): for debugging one family. A kernel a backend does
   * not implement belongs in its `notImplemented` list instead, where its cases run on the fallback and pass.
   */
  skip?: readonly KernelName[];
  /** Checks every kernel (engine.checkLeaks) and every case (tensors, bytes, data ids) for leaks. */
  checkLeaks?: boolean;
  /** The cases to run; defaults to `conformanceCases` (pass a filtered list to debug one family). */
  cases?: readonly ConformanceCase[];
}

/** A failed conformance case and why it failed. */
export interface ConformanceFailure {
  name: string;
  message: string;
}

/** What `runConformance` returns: the cases passed, failed and skipped on a backend. */
export interface ConformanceReport {
  backend: string;
  passed: string[];
  failed: ConformanceFailure[];
  skipped: string[];
  /** Kernels that actually ran during the cases that were not skipped. */
  kernelsCovered: KernelName[];
  /** Kernels that ran on the CPU fallback in some case (each declared by the backend, or that case failed). */
  fallbackKernels: KernelName[];
}
