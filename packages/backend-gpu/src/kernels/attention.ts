/**
 * Scaled dot-product attention and its backward pass, as shaders. A first kernel writes each query row's statistics
 * (the score maximum, the softmax denominator and, backward, D = sum_j P_j dP_j); the output kernels read them and
 * recompute each score they need (q_i · k_j, never an [L, S] matrix). A key is out when the causal cut or an int32
 * mask drops it or an additive mask makes its score -Infinity; a row with no key left is 0, as on the CPU.
 */
import type { TensorInfo } from '@nn/tensor';
import { type AttentionAttrs, type KernelFn, sizeOf, type TensorMeta } from '@nn/tensor/backend';
import type { GpuBackend } from '../backend';
import { kernelSource, lit } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** Sizes of one call: batch entries (all batch axes), queries L, keys S, widths E (q, k) and Ev (v). */
interface Dims {
  batch: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

/** Where each input sits among a shader's arguments, and how the mask reads. */
interface Layout {
  q: string;
  k: string;
  v: string;
  dy?: string;
  mask?: string;
  additive: boolean;
}

function dimsOf(q: TensorInfo, v: TensorInfo): Dims {
  const r = q.shape.length;
  return {
    batch: sizeOf(q.shape.slice(0, -2)),
    L: q.shape[r - 2]!,
    S: v.shape[r - 2]!,
    E: q.shape[r - 1]!,
    Ev: v.shape[r - 1]!,
  };
}

/**
 * Statements setting `${p}s` to the scaled score of query `i` and key `j` in batch entry `b`, and `${p}ok` to 1 when
 * the key counts (0 when masked). Names carry the prefix: gpu.js's webasm mode does not honour block scoping.
 */
function score(p: string, b: string, i: string, j: string, d: Dims, at: Layout, attrs: AttentionAttrs): string {
  const m = at.mask === undefined ? '' : `${at.mask}[(${b} * ${lit(d.L)} + ${i}) * ${lit(d.S)} + ${j}]`;
  const lines = [
    `let ${p}ok = 1.0;`,
    `let ${p}dot = 0.0;`,
    `for (let ${p}e = 0.0; ${p}e < ${lit(d.E)}; ${p}e += 1.0) { ${p}dot += ${at.q}[(${b} * ${lit(d.L)} + ${i}) * ${lit(d.E)} + ${p}e] * ${at.k}[(${b} * ${lit(d.S)} + ${j}) * ${lit(d.E)} + ${p}e]; }`,
    `const ${p}s = ${p}dot * ${lit(attrs.scale)}${at.additive ? ` + ${m}` : ''};`,
  ];
  if (attrs.causal) lines.push(`if (${j} > ${i}) { ${p}ok = 0.0; }`);
  if (m !== '' && !at.additive) lines.push(`if (${m} == 0.0) { ${p}ok = 0.0; }`);
  // An additive -Infinity (or a score below every float32) drops the key.
  lines.push(`if (${p}s < -3.0e38) { ${p}ok = 0.0; }`);
  return lines.join('\n');
}

/** Statements setting `${p}w`, the attention weight of (b, i, j), from the row statistics max (`mx`) and sum (`z`). */
function weight(p: string, b: string, i: string, j: string, d: Dims, at: Layout, attrs: AttentionAttrs): string {
  return `${score(p, b, i, j, d, at, attrs)}
const ${p}w = (${p}ok > 0.0 && z > 0.0) ? Math.exp(${p}s - mx) / z : 0.0;`;
}

/** dP_ij = dy_i · v_j into `${p}dp`. */
function dpOf(p: string, b: string, i: string, j: string, d: Dims, at: Layout): string {
  return `let ${p}dp = 0.0;
for (let ${p}f = 0.0; ${p}f < ${lit(d.Ev)}; ${p}f += 1.0) { ${p}dp += ${at.dy}[(${b} * ${lit(d.L)} + ${i}) * ${lit(d.Ev)} + ${p}f] * ${at.v}[(${b} * ${lit(d.S)} + ${j}) * ${lit(d.Ev)} + ${p}f]; }`;
}

/** Reads row (b, i)'s statistics from input `stats` (columns: max, sum[, D]) into mx, z[, rowD]. */
function readStats(stats: string, b: string, i: string, d: Dims, columns: number): string {
  const row = `(${b} * ${lit(d.L)} + ${i}) * ${lit(columns)}`;
  const lines = [`const mx = ${stats}[${row}];`, `const z = ${stats}[${row} + 1.0];`];
  if (columns === 3) lines.push(`const rowD = ${stats}[${row} + 2.0];`);
  return lines.join('\n');
}

/** A [batch * L, columns] tensor of row statistics: max, softmax sum (0 when no key counts), and D with dy. */
function statsKernel(gpu: GpuBackend, inputs: TensorInfo[], d: Dims, at: Layout, attrs: AttentionAttrs): TensorInfo {
  const columns = at.dy === undefined ? 2 : 3;
  const body = `const r = Math.floor((i + 0.5) / ${lit(columns)});
const col = i - r * ${lit(columns)};
const b = Math.floor((r + 0.5) / ${lit(d.L)});
const qi = r - b * ${lit(d.L)};
let mx = -1.0;
let found = 0.0;
for (let j = 0.0; j < ${lit(d.S)}; j += 1.0) {
${score('m', 'b', 'qi', 'j', d, at, attrs)}
if (mok > 0.0 && (found == 0.0 || ms > mx)) { mx = ms; found = 1.0; }
}
if (col == 0.0) { return mx; }
let z = 0.0;
for (let j2 = 0.0; j2 < ${lit(d.S)}; j2 += 1.0) {
${score('c', 'b', 'qi', 'j2', d, at, attrs)}
if (cok > 0.0) { z += Math.exp(cs - mx); }
}
if (col == 1.0) { return z; }
let rowD = 0.0;
${
  at.dy === undefined
    ? ''
    : `for (let j3 = 0.0; j3 < ${lit(d.S)}; j3 += 1.0) {
${weight('g', 'b', 'qi', 'j3', d, at, attrs)}
${dpOf('g', 'b', 'qi', 'j3', d, at)}
rowD += gw * gdp;
}`
}
return rowD;`;
  return gpu.compute(kernelSource(inputs.length, body), [d.batch * d.L, columns], 'float32', inputs);
}

/** The inputs' positions: q, k, v[, dy][, mask], then the statistics (last). */
function layout(names: readonly string[], mask: TensorInfo | undefined): Layout {
  const at = (name: string) => `a${names.indexOf(name)}`;
  return {
    q: at('q'),
    k: at('k'),
    v: at('v'),
    ...(names.includes('dy') ? { dy: at('dy') } : {}),
    ...(mask === undefined ? {} : { mask: at('mask') }),
    additive: mask !== undefined && mask.dtype !== 'int32',
  };
}

const attention: KernelFn<'Attention'> = ({ inputs: { q, k, v, mask }, attrs, outputs: [out], backend }) => {
  const gpu = gpuOf(backend);
  const d = dimsOf(q, v);
  if (sizeOf(out.shape) === 0) return gpu.compute('', out.shape, out.dtype, []);
  const inputs = mask === undefined ? [q, k, v] : [q, k, v, mask];
  const at = layout(mask === undefined ? ['q', 'k', 'v'] : ['q', 'k', 'v', 'mask'], mask);
  const stats = statsKernel(gpu, inputs, d, at, attrs);
  const body = `const r = Math.floor((i + 0.5) / ${lit(d.Ev)});
const f = i - r * ${lit(d.Ev)};
const b = Math.floor((r + 0.5) / ${lit(d.L)});
const qi = r - b * ${lit(d.L)};
${readStats(`a${inputs.length}`, 'b', 'qi', d, 2)}
let acc = 0.0;
for (let j = 0.0; j < ${lit(d.S)}; j += 1.0) {
${weight('w', 'b', 'qi', 'j', d, at, attrs)}
acc += ww * ${at.v}[(b * ${lit(d.S)} + j) * ${lit(d.Ev)} + f];
}
return acc;`;
  const y = gpu.compute(kernelSource(inputs.length + 1, body), out.shape, out.dtype, [...inputs, stats]);
  gpu.disposeData(stats.dataId);
  return y;
};

/** dq_i = scale sum_j P_ij (dP_ij - D_i) k_j; dk_j = scale sum_i P_ij (dP_ij - D_i) q_i; dv_j = sum_i P_ij dy_i. */
const attentionBackward: KernelFn<'AttentionBackward'> = ({
  inputs: { dy, q, k, v, mask },
  attrs,
  outputs: [dqMeta, dkMeta, dvMeta],
  backend,
}) => {
  const gpu = gpuOf(backend);
  const d = dimsOf(q, v);
  const names = mask === undefined ? ['q', 'k', 'v', 'dy'] : ['q', 'k', 'v', 'dy', 'mask'];
  const inputs = mask === undefined ? [q, k, v, dy] : [q, k, v, dy, mask];
  const at = layout(names, mask);
  const empty = sizeOf(dqMeta.shape) === 0 || sizeOf(dkMeta.shape) === 0;
  const stats = empty ? null : statsKernel(gpu, inputs, d, at, attrs);
  const s = `a${inputs.length}`;
  const run = (meta: TensorMeta, body: string): TensorInfo =>
    stats === null
      ? gpu.compute('', meta.shape, meta.dtype, [])
      : gpu.compute(kernelSource(inputs.length + 1, body), meta.shape, meta.dtype, [...inputs, stats]);
  // One thread per (b, row, column) of the output; `width` is its last axis.
  const split = (
    rows: number,
    width: number,
    row: string,
    col: string,
  ) => `const r = Math.floor((i + 0.5) / ${lit(width)});
const ${col} = i - r * ${lit(width)};
const b = Math.floor((r + 0.5) / ${lit(rows)});
const ${row} = r - b * ${lit(rows)};`;
  const dq = run(
    dqMeta,
    `${split(d.L, d.E, 'qi', 'e')}
${readStats(s, 'b', 'qi', d, 3)}
let acc = 0.0;
for (let j = 0.0; j < ${lit(d.S)}; j += 1.0) {
${weight('w', 'b', 'qi', 'j', d, at, attrs)}
${dpOf('w', 'b', 'qi', 'j', d, at)}
acc += ww * (wdp - rowD) * ${at.k}[(b * ${lit(d.S)} + j) * ${lit(d.E)} + e];
}
return acc * ${lit(attrs.scale)};`,
  );
  // dk and dv loop over queries: each reads that query row's statistics.
  const overQueries = (inner: string) => `let acc = 0.0;
for (let qi = 0.0; qi < ${lit(d.L)}; qi += 1.0) {
${readStats(s, 'b', 'qi', d, 3)}
${weight('w', 'b', 'qi', 'kj', d, at, attrs)}
${inner}
}`;
  const dk = run(
    dkMeta,
    `${split(d.S, d.E, 'kj', 'e')}
${overQueries(`${dpOf('w', 'b', 'qi', 'kj', d, at)}
acc += ww * (wdp - rowD) * ${at.q}[(b * ${lit(d.L)} + qi) * ${lit(d.E)} + e];`)}
return acc * ${lit(attrs.scale)};`,
  );
  const dv = run(
    dvMeta,
    `${split(d.S, d.Ev, 'kj', 'f')}
${overQueries(`acc += ww * ${at.dy}[(b * ${lit(d.L)} + qi) * ${lit(d.Ev)} + f];`)}
return acc;`,
  );
  if (stats !== null) gpu.disposeData(stats.dataId);
  return [dq, dk, dv] as const;
};

export const attentionKernels: GpuKernels<'Attention' | 'AttentionBackward'> = {
  Attention: attention,
  AttentionBackward: attentionBackward,
};
