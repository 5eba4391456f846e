/** Shared by the bad-input tests: each case runs an op on bad input and checks the NNError it throws. */
import { type DTypeError, type IndexError, NNError, ones, type ShapeError, tensor, type ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

export type ErrorClass = typeof ShapeError | typeof DTypeError | typeof ValueError | typeof IndexError;

export interface BadInput {
  /** What is wrong, for the test name. */
  what: string;
  run: () => unknown;
  error: ErrorClass;
  /** The message must start with this (the op's name and colon) ... */
  op: string;
  /** ... and contain these (the shapes/values involved). */
  shows: string[];
}

export const int = (values: number[]) => tensor(values, undefined, 'int32');
export const f64 = (values: number[]) => tensor(values, undefined, 'float64');
export const image = () => ones([1, 2, 5, 5]);

/** `run` throws an `error` whose message starts with `op: ` and contains every string of `shows`. */
export function expectNNError(run: () => unknown, error: ErrorClass, op: string, shows: readonly string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${error.name}, got ${String(caught)}`).toBeInstanceOf(NNError);
  expect(caught).toBeInstanceOf(error);
  const message = (caught as Error).message;
  expect(message.startsWith(`${op}: `), `message should start with '${op}: ', got: ${message}`).toBe(true);
  for (const s of shows) expect(message).toContain(s);
}

/** One describe per family of cases, one test per case. */
export function describeBadInputs(families: readonly (readonly [string, readonly BadInput[]])[]): void {
  describe.each(families.map(([family, cases]) => [family, cases] as [string, readonly BadInput[]]))(
    'bad input: %s',
    (_family, cases) => {
      it.each(cases)('$what -> $error.name naming $op', ({ run, error, op, shows }) => {
        expectNNError(run, error, op, shows);
      });
    },
  );
}
