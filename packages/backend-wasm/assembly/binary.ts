// Elementwise binary ops over one run of the broadcast walk: out[i] = a[i * aStep] (op) b[i * bStep], for float32
// inputs (binaryRun) and int32 ones (binaryRunInt). The JS side walks the outer axes; the common cases (same shape,
// tensor-scalar, scalar-tensor) are one run, done here four lanes at a time. Op codes match src/kernels/binary.ts.
import { toInt32 } from './int32';

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const POW = 4;
const MAXIMUM = 5;
const MINIMUM = 6;
const EQUAL = 7;
const GREATER = 8;
const LESS = 9;

// @ts-ignore: decorator
@inline
function scalarOp(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    // Computed in f64 and rounded once, as the reference backend does.
    case POW: return <f32>Math.pow(<f64>a, <f64>b);
    // wasm's min/max propagate NaN, as torch.maximum/minimum do.
    case MAXIMUM: return max<f32>(a, b);
    case MINIMUM: return min<f32>(a, b);
    case EQUAL: return a == b ? 1 : 0;
    case GREATER: return a > b ? 1 : 0;
    default: return a < b ? 1 : 0;
  }
}

// @ts-ignore: decorator
@inline
function vectorOp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAXIMUM: return f32x4.max(a, b);
    case MINIMUM: return f32x4.min(a, b);
    // Comparison masks are all-ones bit patterns: AND with 1.0 turns them into float 0/1.
    case EQUAL: return v128.and(f32x4.eq(a, b), f32x4.splat(1));
    case GREATER: return v128.and(f32x4.gt(a, b), f32x4.splat(1));
    default: return v128.and(f32x4.lt(a, b), f32x4.splat(1));
  }
}

// One op, every stride pattern. Inlined with a constant `op`, so each copy has a branch-free loop.
// @ts-ignore: decorator
@inline
function runOp(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  let i = 0;
  if (op != POW && aStep == 1 && bStep == 1) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (op != POW && aStep == 1 && bStep == 0) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, v128.load(a + o), bv));
    }
  } else if (op != POW && aStep == 0 && bStep == 1) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, av, v128.load(b + o)));
    }
  }
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  let pa = a + <usize>i * aBytes;
  let pb = b + <usize>i * bBytes;
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), scalarOp(op, load<f32>(pa), load<f32>(pb)));
    pa += aBytes;
    pb += bBytes;
  }
}

/** float32 out[i] = a[i * aStep] (op) b[i * bStep] for i < n (steps in elements, any value). */
export function binaryRun(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  switch (op) {
    case ADD: runOp(ADD, a, aStep, b, bStep, out, n); break;
    case SUB: runOp(SUB, a, aStep, b, bStep, out, n); break;
    case MUL: runOp(MUL, a, aStep, b, bStep, out, n); break;
    case DIV: runOp(DIV, a, aStep, b, bStep, out, n); break;
    case POW: runOp(POW, a, aStep, b, bStep, out, n); break;
    case MAXIMUM: runOp(MAXIMUM, a, aStep, b, bStep, out, n); break;
    case MINIMUM: runOp(MINIMUM, a, aStep, b, bStep, out, n); break;
    case EQUAL: runOp(EQUAL, a, aStep, b, bStep, out, n); break;
    case GREATER: runOp(GREATER, a, aStep, b, bStep, out, n); break;
    default: runOp(LESS, a, aStep, b, bStep, out, n);
  }
}

/**
 * float32 binaryRun over `rows` rows of n: row r reads a + r * aRow and b + r * bRow (strides in elements) and
 * writes out + r * n. A broadcast like [N, C] + [C] is one call instead of N, and runs of rows split over threads.
 */
export function binaryRows(op: i32, a: usize, aRow: i32, aStep: i32, b: usize, bRow: i32, bStep: i32, out: usize, rows: i32, n: i32): void {
  const aBytes = <usize>aRow << 2;
  const bBytes = <usize>bRow << 2;
  const outBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    binaryRun(op, a, aStep, b, bStep, out, n);
    a += aBytes;
    b += bBytes;
    out += outBytes;
  }
}

// int32 inputs: int32 results wrap (Mul as imul; Pow computed in f64 and wrapped, as the reference stores it:
// exact while the power fits a double's 53 bits, libm-dependent past that);
// Div is true division to float32 and the comparisons give float32 0/1, the spec's output dtypes. Results are
// returned as their 32 bits.
const ONE: u32 = 0x3f800000;

// @ts-ignore: decorator
@inline
function intScalarOp(op: i32, a: i32, b: i32): u32 {
  switch (op) {
    case ADD: return <u32>(a + b);
    case SUB: return <u32>(a - b);
    case MUL: return <u32>(a * b);
    // Both operands are exact in f64 and the quotient rounds once more to f32, as the reference does.
    case DIV: return reinterpret<u32>(<f32>(<f64>a / <f64>b));
    case POW: return <u32>toInt32(Math.pow(<f64>a, <f64>b));
    case MAXIMUM: return <u32>max<i32>(a, b);
    case MINIMUM: return <u32>min<i32>(a, b);
    case EQUAL: return a == b ? ONE : 0;
    case GREATER: return a > b ? ONE : 0;
    default: return a < b ? ONE : 0;
  }
}

// @ts-ignore: decorator
@inline
function intVectorOp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return i32x4.add(a, b);
    case SUB: return i32x4.sub(a, b);
    case MUL: return i32x4.mul(a, b);
    case MAXIMUM: return i32x4.max_s(a, b);
    case MINIMUM: return i32x4.min_s(a, b);
    case EQUAL: return v128.and(i32x4.eq(a, b), f32x4.splat(1));
    case GREATER: return v128.and(i32x4.gt_s(a, b), f32x4.splat(1));
    default: return v128.and(i32x4.lt_s(a, b), f32x4.splat(1));
  }
}

// @ts-ignore: decorator
@inline
function runIntOp(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  let i = 0;
  if (op != POW && op != DIV) {
    if (aStep == 1 && bStep == 1) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, intVectorOp(op, v128.load(a + o), v128.load(b + o)));
      }
    } else if (aStep == 1 && bStep == 0) {
      const bv = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, intVectorOp(op, v128.load(a + o), bv));
      }
    } else if (aStep == 0 && bStep == 1) {
      const av = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, intVectorOp(op, av, v128.load(b + o)));
      }
    }
  }
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  let pa = a + <usize>i * aBytes;
  let pb = b + <usize>i * bBytes;
  for (; i < n; i++) {
    store<u32>(out + (<usize>i << 2), intScalarOp(op, load<i32>(pa), load<i32>(pb)));
    pa += aBytes;
    pb += bBytes;
  }
}

/** binaryRun for int32 inputs: out[i] = a[i * aStep] (op) b[i * bStep], int32 or float32 as the op gives. */
export function binaryRunInt(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  switch (op) {
    case ADD: runIntOp(ADD, a, aStep, b, bStep, out, n); break;
    case SUB: runIntOp(SUB, a, aStep, b, bStep, out, n); break;
    case MUL: runIntOp(MUL, a, aStep, b, bStep, out, n); break;
    case MAXIMUM: runIntOp(MAXIMUM, a, aStep, b, bStep, out, n); break;
    case MINIMUM: runIntOp(MINIMUM, a, aStep, b, bStep, out, n); break;
    // The rest are rare on int32: one loop that switches per element.
    default: runIntOp(op, a, aStep, b, bStep, out, n);
  }
}

// @ts-ignore: decorator
@inline
function lanes(p: usize, step: i32, splat: v128, o: usize): v128 {
  return step == 0 ? splat : v128.load(p + o);
}

/** out[i] = cond[i * cStep] != 0 ? a[i * aStep] : b[i * bStep]; 32-bit values of either dtype (NaN counts as true). */
export function whereRun(c: usize, cStep: i32, cIsInt: bool, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  let i = 0;
  if (<u32>cStep <= 1 && <u32>aStep <= 1 && <u32>bStep <= 1) {
    // Contiguous or broadcast scalars (ReLU's gradient: where(y > 0, dy, 0)): four lanes at a time.
    const cv = v128.load32_splat(c);
    const av = v128.load32_splat(a);
    const bv = v128.load32_splat(b);
    const zero = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const cond = lanes(c, cStep, cv, o);
      const mask = cIsInt ? i32x4.ne(cond, zero) : f32x4.ne(cond, f32x4.splat(0));
      v128.store(out + o, v128.bitselect(lanes(a, aStep, av, o), lanes(b, bStep, bv, o), mask));
    }
  }
  const cBytes = <usize>cStep << 2;
  const aBytes = <usize>aStep << 2;
  const bBytes = <usize>bStep << 2;
  c += <usize>i * cBytes;
  a += <usize>i * aBytes;
  b += <usize>i * bBytes;
  out += <usize>i << 2;
  for (; i < n; i++) {
    const truthy = cIsInt ? load<i32>(c) != 0 : load<f32>(c) != 0;
    store<u32>(out, truthy ? load<u32>(a) : load<u32>(b));
    c += cBytes;
    a += aBytes;
    b += bBytes;
    out += 4;
  }
}
