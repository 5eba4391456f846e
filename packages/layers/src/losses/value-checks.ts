/**
 * Checks of a loss's input *values* (binaryCrossEntropy's probabilities in [0, 1]), as opposed to shapes. Counting
 * the bad values is a device computation; reading the count is what costs, since on a GPU a read waits for the
 * device. So the count goes one of two ways:
 * - a direct call reads it at once (one number: a memory read on the CPU and wasm backends, a device sync on a
 *   GPU) and throws a ValueError naming the first bad value;
 * - inside `fit` and `evaluate` the count is handed to their running totals instead and read with the numbers
 *   they read anyway (the progress line, the end of the epoch), so training still reads nothing per batch and the
 *   error names the epoch and the first bad batch. `deferValueChecks` is how they take it over.
 * Where no synchronous read exists (webgpu) a direct call cannot check; the loss itself is then NaN where the
 * inputs are bad (see binaryCrossEntropy), never a plausible number.
 */
import { keep, StateError, type Tensor, ValueError } from '@nn/tensor';

/** A count of bad values, computed on the device, and how to describe it. */
export interface ValueCheck {
  /** A one-element float tensor: how many values failed. Whoever receives the check owns (disposes) it. */
  count: Tensor;
  /** The error for `n` bad values, without where it happened (fit adds the epoch and batch). */
  message(n: number): string;
}

/** Receives the checks made while `fit`/`evaluate` run a batch. */
export type ValueCheckCollector = (check: ValueCheck) => void;

let collector: ValueCheckCollector | null = null;

/**
 * Runs `fn` with the value checks it makes handed to `collect` (their counts kept alive past any tidy scope in
 * `fn`; the collector disposes them) instead of being read at once.
 */
export function deferValueChecks<R>(collect: ValueCheckCollector, fn: () => R): R {
  const previous = collector;
  collector = collect;
  try {
    return fn();
  } finally {
    collector = previous;
  }
}

/** What became of a check: read and passed, handed to fit/evaluate, or not checkable now (no synchronous read). */
export type CheckOutcome = 'passed' | 'deferred' | 'unchecked';

/**
 * Reports `check`: to the active collector, or by reading its count now and throwing a ValueError if it is not 0.
 * `detail(n)` builds the error of a direct call; it runs only when something failed, so it may read the inputs to
 * name the first bad value.
 */
export function reportValueCheck(check: ValueCheck, detail: (n: number) => string = check.message): CheckOutcome {
  if (collector !== null) {
    collector({ count: keep(check.count), message: check.message });
    return 'deferred';
  }
  let n: number;
  try {
    n = check.count.dataSync()[0]!;
  } catch (error) {
    if (error instanceof StateError) return 'unchecked';
    throw error;
  } finally {
    check.count.dispose();
  }
  if (n > 0) throw new ValueError(detail(n));
  return 'passed';
}
