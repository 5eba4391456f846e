// The fused LSTM cell and its backward over float32, four hidden units at a time (SIMD128).
import { expLanes } from './lanes-math';

// @ts-ignore: decorator
@inline
function sigmoidLanes(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expLanes(f32x4.neg(x))));
}

/** tanh x = 1 - 2 / (1 + e^2x): e^2x overflowing gives 1, underflowing -1; absolute error about 1e-7. */
// @ts-ignore: decorator
@inline
function tanhLanes(x: v128): v128 {
  return f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(f32x4.splat(1), expLanes(f32x4.add(x, x)))));
}

// @ts-ignore: decorator
@inline
function loadLanes(p: usize, lanes: i32): v128 {
  return lanes == 4 ? v128.load(p) : f32x4.splat(load<f32>(p));
}

// @ts-ignore: decorator
@inline
function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/** Units [j, j + lanes) of row r (lanes 4, or 1 for the tail): h' and c' from the gate pre-activations and c. */
// @ts-ignore: decorator
@inline
function cellLanes(gates: usize, c: usize, hOut: usize, cOut: usize, h: i32, lanes: i32): void {
  const stride = (<usize>h) << 2;
  const i = sigmoidLanes(loadLanes(gates, lanes));
  const f = sigmoidLanes(loadLanes(gates + stride, lanes));
  const g = tanhLanes(loadLanes(gates + 2 * stride, lanes));
  const o = sigmoidLanes(loadLanes(gates + 3 * stride, lanes));
  const cNext = f32x4.add(f32x4.mul(f, loadLanes(c, lanes)), f32x4.mul(i, g));
  storeLanes(hOut, f32x4.mul(o, tanhLanes(cNext)), lanes);
  storeLanes(cOut, cNext, lanes);
}

/**
 * gates [n, 4h] (blocks i, f, g, o), c [n, h] -> out [2, n, h]: h' = o * tanh(c') then c' = f * c + i * g, with
 * i, f, o sigmoid and g tanh.
 */
export function lstmCell(gates: usize, c: usize, out: usize, n: i32, h: i32): void {
  const cOutBase = out + ((<usize>(n * h)) << 2);
  for (let r = 0; r < n; r++) {
    const g = gates + ((<usize>(r * 4 * h)) << 2);
    const at = (<usize>(r * h)) << 2;
    let j = 0;
    for (; j + 4 <= h; j += 4) {
      const o = (<usize>j) << 2;
      cellLanes(g + o, c + at + o, out + at + o, cOutBase + at + o, h, 4);
    }
    for (; j < h; j++) {
      const o = (<usize>j) << 2;
      cellLanes(g + o, c + at + o, out + at + o, cOutBase + at + o, h, 1);
    }
  }
}

// @ts-ignore: decorator
@inline
function cellBackwardLanes(
  dh: usize,
  dcNext: usize,
  gates: usize,
  c: usize,
  dGates: usize,
  dc: usize,
  h: i32,
  lanes: i32,
): void {
  const stride = (<usize>h) << 2;
  const one = f32x4.splat(1);
  const i = sigmoidLanes(loadLanes(gates, lanes));
  const f = sigmoidLanes(loadLanes(gates + stride, lanes));
  const g = tanhLanes(loadLanes(gates + 2 * stride, lanes));
  const o = sigmoidLanes(loadLanes(gates + 3 * stride, lanes));
  const cPrev = loadLanes(c, lanes);
  const t = tanhLanes(f32x4.add(f32x4.mul(f, cPrev), f32x4.mul(i, g)));
  const dH = loadLanes(dh, lanes);
  // The gradient reaching c' from both outputs: directly, and through h' = o * tanh(c').
  const dC = f32x4.add(loadLanes(dcNext, lanes), f32x4.mul(f32x4.mul(dH, o), f32x4.sub(one, f32x4.mul(t, t))));
  storeLanes(dGates, f32x4.mul(f32x4.mul(dC, g), f32x4.mul(i, f32x4.sub(one, i))), lanes);
  storeLanes(dGates + stride, f32x4.mul(f32x4.mul(dC, cPrev), f32x4.mul(f, f32x4.sub(one, f))), lanes);
  storeLanes(dGates + 2 * stride, f32x4.mul(f32x4.mul(dC, i), f32x4.sub(one, f32x4.mul(g, g))), lanes);
  storeLanes(dGates + 3 * stride, f32x4.mul(f32x4.mul(dH, t), f32x4.mul(o, f32x4.sub(one, o))), lanes);
  storeLanes(dc, f32x4.mul(dC, f), lanes);
}

/**
 * dy [2, n, h] (dh', dc'), gates [n, 4h], c [n, h] -> dGates [n, 4h], dc [n, h]; the activations are recomputed.
 */
export function lstmCellBackward(dy: usize, gates: usize, c: usize, dGates: usize, dc: usize, n: i32, h: i32): void {
  const dcNextBase = dy + ((<usize>(n * h)) << 2);
  for (let r = 0; r < n; r++) {
    const g = (<usize>(r * 4 * h)) << 2;
    const at = (<usize>(r * h)) << 2;
    let j = 0;
    for (; j + 4 <= h; j += 4) {
      const o = (<usize>j) << 2;
      cellBackwardLanes(dy + at + o, dcNextBase + at + o, gates + g + o, c + at + o, dGates + g + o, dc + at + o, h, 4);
    }
    for (; j < h; j++) {
      const o = (<usize>j) << 2;
      cellBackwardLanes(dy + at + o, dcNextBase + at + o, gates + g + o, c + at + o, dGates + g + o, dc + at + o, h, 1);
    }
  }
}
