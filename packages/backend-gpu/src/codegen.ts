/**
 * Helpers that write gpu.js kernel source. Every kernel has a 1-D output (the flat row-major index of the
 * output tensor is `i`) and reads its inputs as flat 1-D arrays. Shapes are baked into the source as
 * literals, so each distinct shape compiles once and is cached (see `Device`).
 *
 * Index arithmetic is done in float32 (GLSL ES 1.0 has no real integers): exact while flat indices stay
 * below 2^24 (16M elements per tensor), and divisions use `floor((r + 0.5) / s)`, which is exact for
 * `r * s < 2^23` whatever the driver's float division rounding.
 */
import type { Shape } from '@nn/tensor';
import { stridesOf } from '@nn/tensor/backend';

/** A float literal gpu.js and GLSL both read as a float (`3.0`, `0.25`, `1e-7`). */
export function lit(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`gpu backend: cannot write ${value} as a shader literal`);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return `${value}.0`;
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * NaN and -Infinity produced at run time from a float expression `v` (GLSL has no literals for them, and
 * some drivers return a finite value for log(0) or sqrt(-1), so those are never relied upon).
 */
export const nanOf = (v: string): string => `((${v}) * 0.0) / ((${v}) * 0.0)`;
export const negInfOf = (v: string): string => `-1.0 / ((${v}) * 0.0)`;

/**
 * Statements splitting the flat float index `from` into coordinates `${prefix}0 .. ${prefix}{rank-1}` of
 * `shape`. Returns the coordinate names.
 */
export function unravel(shape: Shape, prefix: string, from = 'i'): { code: string; coords: string[] } {
  const coords = shape.map((_, axis) => `${prefix}${axis}`);
  if (shape.length === 0) return { code: '', coords };
  const strides = stridesOf(shape);
  const rest = `${prefix}r`;
  const lines = [`let ${rest} = ${from};`];
  for (let axis = 0; axis < shape.length - 1; axis++) {
    const name = coords[axis]!;
    lines.push(`const ${name} = Math.floor((${rest} + 0.5) / ${lit(strides[axis]!)});`);
    lines.push(`${rest} = ${rest} - ${name} * ${lit(strides[axis]!)};`);
  }
  lines.push(`const ${coords[shape.length - 1]!} = ${rest};`);
  return { code: lines.join('\n'), coords };
}

/** `c0 * s0 + c1 * s1 + ...` without the zero strides (`0.0` when nothing is left). */
export function dot(coords: readonly string[], strides: readonly number[], base = 0): string {
  const terms: string[] = [];
  if (base !== 0) terms.push(lit(base));
  coords.forEach((coord, axis) => {
    const stride = strides[axis]!;
    if (stride === 1) terms.push(coord);
    else if (stride !== 0) terms.push(`${coord} * ${lit(stride)}`);
  });
  return terms.length === 0 ? '0.0' : terms.join(' + ');
}

/**
 * A kernel function over `arity` inputs named a0, a1, ... and `uniforms` float scalars named u0, u1, ...; `i` is the
 * output's flat index (a float). Values that change from call to call (a learning rate, a bias correction, a slice
 * offset) must be uniforms, never literals: a literal makes a new source, so a new compiled kernel, per call.
 */
export function kernelSource(arity: number, body: string, uniforms = 0): string {
  const inputs = Array.from({ length: arity }, (_, k) => `a${k}`);
  const scalars = Array.from({ length: uniforms }, (_, k) => `u${k}`);
  return `function (${[...inputs, ...scalars].join(', ')}) {\nconst i = this.thread.x + 0.0;\n${body}\n}`;
}

/**
 * Nested loops over `dims` (float counters `${prefix}0..`, literal bounds, which GLSL ES 1.0 requires).
 * `offset` is the flat offset the counters add, given each loop's stride.
 */
export function loops(
  dims: readonly number[],
  strides: readonly number[],
  prefix: string,
): { open: string; close: string; offset: string } {
  const counters = dims.map((_, k) => `${prefix}${k}`);
  const open = dims.map(
    (d, k) => `for (let ${counters[k]!} = 0.0; ${counters[k]!} < ${lit(d)}; ${counters[k]!} += 1.0) {`,
  );
  return { open: open.join('\n'), close: '}'.repeat(dims.length), offset: dot(counters, strides) };
}
