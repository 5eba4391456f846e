// Layer normalisation over rows of n float32 elements: statistics in two SIMD passes (sums combined in f64), the
// output in one more.

/** Sum of x[0, n) in four lanes, combined in f64. */
// @ts-ignore: decorator
@inline function rowSum(x: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(x + (<usize>j << 2)));
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1);
  s += <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s;
}

/** Sum of (x - mean)^2 over x[0, n). */
// @ts-ignore: decorator
@inline function rowSquares(x: usize, n: i32, mean: f32): f64 {
  const mv = f32x4.splat(mean);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const d = f32x4.sub(v128.load(x + (<usize>j << 2)), mv);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1);
  s += <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; j < n; j++) {
    const d = load<f32>(x + (<usize>j << 2)) - mean;
    s += <f64>(d * d);
  }
  return s;
}

/** out = (x - mean) * rstd (* w when hasW) (+ b when hasB), per row of n; rows [0, rows). */
export function layerNorm(x: usize, w: usize, b: usize, out: usize, rows: i32, n: i32, eps: f32, hasW: i32, hasB: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * <usize>n) << 2);
    const or = out + ((<usize>r * <usize>n) << 2);
    const mean = <f32>(rowSum(xr, n) / <f64>n);
    const rstd = <f32>(1 / Math.sqrt(rowSquares(xr, n, mean) / <f64>n + <f64>eps));
    const mv = f32x4.splat(mean);
    const rv = f32x4.splat(rstd);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let y = f32x4.mul(f32x4.sub(v128.load(xr + o), mv), rv);
      if (hasW) y = f32x4.mul(y, v128.load(w + o));
      if (hasB) y = f32x4.add(y, v128.load(b + o));
      v128.store(or + o, y);
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      let y = (load<f32>(xr + o) - mean) * rstd;
      if (hasW) y *= load<f32>(w + o);
      if (hasB) y += load<f32>(b + o);
      store<f32>(or + o, y);
    }
  }
}

/**
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) per row, with g = dy (* w when hasW) and
 * xhat = (x - mean) * rstd.
 */
export function layerNormBackward(dy: usize, x: usize, w: usize, out: usize, rows: i32, n: i32, eps: f32, hasW: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>r * <usize>n) << 2;
    const xr = x + base;
    const gr = dy + base;
    const or = out + base;
    const mean = <f32>(rowSum(xr, n) / <f64>n);
    const rstd = <f32>(1 / Math.sqrt(rowSquares(xr, n, mean) / <f64>n + <f64>eps));
    const mv = f32x4.splat(mean);
    const rv = f32x4.splat(rstd);
    let sg = f32x4.splat(0);
    let sgx = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let g = v128.load(gr + o);
      if (hasW) g = f32x4.mul(g, v128.load(w + o));
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), mv), rv);
      sg = f32x4.add(sg, g);
      sgx = f32x4.add(sgx, f32x4.mul(g, xhat));
    }
    let sumG: f64 = <f64>f32x4.extract_lane(sg, 0) + <f64>f32x4.extract_lane(sg, 1);
    sumG += <f64>f32x4.extract_lane(sg, 2) + <f64>f32x4.extract_lane(sg, 3);
    let sumGX: f64 = <f64>f32x4.extract_lane(sgx, 0) + <f64>f32x4.extract_lane(sgx, 1);
    sumGX += <f64>f32x4.extract_lane(sgx, 2) + <f64>f32x4.extract_lane(sgx, 3);
    for (let t = j; t < n; t++) {
      const o = <usize>t << 2;
      let g = load<f32>(gr + o);
      if (hasW) g *= load<f32>(w + o);
      sumG += <f64>g;
      sumGX += <f64>(g * (load<f32>(xr + o) - mean) * rstd);
    }
    const meanG = <f32>(sumG / <f64>n);
    const meanGX = <f32>(sumGX / <f64>n);
    const mgv = f32x4.splat(meanG);
    const mgxv = f32x4.splat(meanGX);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let g = v128.load(gr + o);
      if (hasW) g = f32x4.mul(g, v128.load(w + o));
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), mv), rv);
      v128.store(or + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(g, mgv), f32x4.mul(xhat, mgxv))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      let g = load<f32>(gr + o);
      if (hasW) g *= load<f32>(w + o);
      const xhat = (load<f32>(xr + o) - mean) * rstd;
      store<f32>(or + o, rstd * (g - meanG - xhat * meanGX));
    }
  }
}
