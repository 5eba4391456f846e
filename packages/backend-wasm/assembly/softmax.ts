// Fused softmax cross-entropy over rows of float32 logits.

/**
 * loss[r] = sum_j target[r, j] * (lse_r - logits[r, j]), lse_r = max_r + log(sum_j exp(logits[r, j] - max_r)),
 * so no exp overflows. Accumulates in f64; a zero target adds nothing even against a -Infinity logit.
 */
export function softmaxCrossEntropy(logits: usize, target: usize, out: usize, rows: i32, classes: i32): void {
  for (let r = 0; r < rows; r++) {
    const z = logits + ((<usize>(r * classes)) << 2);
    const t = target + ((<usize>(r * classes)) << 2);
    let m: f32 = -Infinity;
    for (let j = 0; j < classes; j++) {
      const v = load<f32>(z + ((<usize>j) << 2));
      if (v > m) m = v;
    }
    let sumExp: f64 = 0;
    for (let j = 0; j < classes; j++) sumExp += Math.exp(<f64>load<f32>(z + ((<usize>j) << 2)) - <f64>m);
    const lse = <f64>m + Math.log(sumExp);
    let loss: f64 = 0;
    for (let j = 0; j < classes; j++) {
      const tj = load<f32>(t + ((<usize>j) << 2));
      if (tj != 0) loss += <f64>tj * (lse - <f64>load<f32>(z + ((<usize>j) << 2)));
    }
    store<f32>(out + ((<usize>r) << 2), <f32>loss);
  }
}
