/** Option checks shared by the optimizers and schedules: every bad value is a ValueError naming the option. */
import { Tensor, ValueError } from '@nn/tensor';

export interface NumberRule {
  min?: number;
  /** Exclusive upper bound (betas, alpha < 1 are checked as `below: 1`). */
  below?: number;
  /** When true the minimum itself is not allowed. */
  minExclusive?: boolean;
  integer?: boolean;
}

/** Checks that `value` is a finite number satisfying `rule`; returns it. */
export function checkNumber(owner: string, name: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${owner}: ${name} must be a finite number, got ${String(value)}`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new ValueError(`${owner}: ${name} must be an integer, got ${value}`);
  }
  if (rule.min !== undefined && (value < rule.min || (rule.minExclusive && value === rule.min))) {
    const bound = rule.minExclusive ? `> ${rule.min}` : `>= ${rule.min}`;
    throw new ValueError(`${owner}: ${name} must be ${bound}, got ${value}`);
  }
  if (rule.below !== undefined && value >= rule.below) {
    throw new ValueError(`${owner}: ${name} must be < ${rule.below}, got ${value}`);
  }
  return value;
}

export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${owner}: ${name} must be a boolean, got ${String(value)}`);
  return value;
}

/** Parameters: a non-empty array of distinct float tensors. */
export function checkParams(owner: string, params: unknown): Tensor[] {
  if (!Array.isArray(params)) {
    throw new ValueError(
      `${owner}: params must be an array of Tensors (e.g. model.parameters()), got ${typeof params}`,
    );
  }
  if (params.length === 0) throw new ValueError(`${owner}: got an empty parameter list`);
  const seen = new Set<Tensor>();
  params.forEach((p: unknown, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(`${owner}: params[${i}] is not a Tensor`);
    if (p.dtype === 'int32')
      throw new ValueError(`${owner}: params[${i}] is int32 [${p.shape}]; only float tensors train`);
    if (seen.has(p)) throw new ValueError(`${owner}: params[${i}] appears more than once`);
    seen.add(p);
  });
  return [...(params as Tensor[])];
}
