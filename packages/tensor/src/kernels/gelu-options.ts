/** `gelu`'s options, parsed once for `gelu` and `geluBackward` (not re-exported beyond the `GeluOptions` type). */
import { ValueError } from '../errors';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';

/** Options of `gelu`. */
export interface GeluOptions {
  /** 'none': x * Phi(x) with the exact normal CDF; 'tanh': PyTorch's tanh approximation of it. */
  approximate?: 'none' | 'tanh';
}

const GELU_OPTIONS: OptionKeys<GeluOptions> = { approximate: true };

/** `gelu`'s and `geluBackward`'s options as their kernels' attribute: true for the tanh form. */
export function geluTanhOf(op: string, options: GeluOptions): boolean {
  checkOptions(op, options, GELU_OPTIONS);
  const { approximate = 'none' } = options;
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ValueError(`${op}: approximate must be 'none' or 'tanh', got ${describeValue(approximate)}`);
  }
  return approximate === 'tanh';
}
