/**
 * One LSTM layer over a whole sequence with the fused cell, differentiated as one unit (backpropagation through
 * time written out, as cuDNN's and PyTorch's fused LSTM do): per step the forward runs one matmul, one add and one
 * `lstmCell`, the backward one `LSTMCellBackward` and one matmul; the weight gradients of all steps are then three
 * matmuls over [T * N] rows instead of one per step, and no step's gradient is padded out to the whole sequence.
 */
import { customGrad } from '@nn/autograd';
import { add, clone, concat, lstmCell, matmul, reshape, stack, sum, type Tensor, tidy } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';

/** The weights of one recurrent layer (PyTorch's shapes, LSTM: W_ih [4H, F], W_hh [4H, H], biases [4H]). */
export interface RecurrentWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** What the backward pass reads (the tape keeps copies of it, as `customGrad`'s `save`). */
interface Saved {
  x: Tensor;
  gates: Tensor[];
  /** h_0 .. h_{T-1}: the state each step read. */
  hPrev: Tensor[];
  /** c_0 .. c_{T-1}. */
  cPrev: Tensor[];
}

/** `Saved` from its flat list [x, gates..., hPrev..., cPrev...] of `steps` steps. */
function unpack(list: readonly Tensor[], steps: number): Saved {
  return {
    x: list[0]!,
    gates: list.slice(1, 1 + steps),
    hPrev: list.slice(1 + steps, 1 + 2 * steps),
    cPrev: list.slice(1 + 2 * steps, 1 + 3 * steps),
  };
}

/** Rows [t * N, (t + 1) * N) of a [T * N, ...] or [T + 1, N, ...] tensor, as [N, ...]. */
function step(t: Tensor, index: number, n: number): Tensor {
  if (t.rank === 3) return t.slice([index, 0, 0], [1, n, t.shape[2]!]).reshape([n, t.shape[2]!]);
  return t.slice([index * n, 0], [n, t.shape[1]!]);
}

/** Forward over x [T * N, F]: returns [T + 1, N, H] (h_1 .. h_T, then c_T), and what the backward needs. */
function forward(x: Tensor, h0: Tensor, c0: Tensor, w: RecurrentWeights, steps: number, save: boolean) {
  const [n] = h0.shape as [number];
  const bias = w.bIh === null || w.bHh === null ? null : add(w.bIh, w.bHh);
  // The input projection does not depend on the state: one matmul for all time steps (both biases folded in).
  let projected = matmul(x, w.wIh, { transposeB: true });
  if (bias !== null) projected = projected.add(bias);
  const saved: Saved = { x, gates: [], hPrev: [], cPrev: [] };
  const hs: Tensor[] = [];
  let [h, c] = [h0, c0];
  for (let t = 0; t < steps; t++) {
    const gates = step(projected, t, n).add(matmul(h, w.wHh, { transposeB: true }));
    const hc = lstmCell(gates, c);
    if (save) {
      saved.gates.push(gates);
      saved.hPrev.push(h);
      saved.cPrev.push(c);
    }
    h = step(hc, 0, n);
    c = step(hc, 1, n);
    hs.push(h);
  }
  hs.push(c);
  const value = stack(hs, 0);
  return { value, saved };
}

/** dy [T + 1, N, H] -> the gradients of x [T * N, F], h0, c0, W_ih, W_hh, and the bias (both biases get it). */
function backward(dy: Tensor, s: Saved, w: RecurrentWeights): Tensor[] {
  const steps = s.gates.length;
  const [n] = s.hPrev[0]!.shape as [number];
  const dGates: Tensor[] = new Array<Tensor>(steps);
  let dc = step(dy, steps, n);
  let dhNext: Tensor | null = null;
  for (let t = steps - 1; t >= 0; t--) {
    const dh: Tensor = dhNext === null ? step(dy, t, n) : step(dy, t, n).add(dhNext);
    const cellDy = stack([dh, dc], 0);
    const [dg, dcPrev] = engine.runKernelMulti(
      'LSTMCellBackward',
      { dy: cellDy, gates: s.gates[t]!, c: s.cPrev[t]! },
      {},
    );
    dGates[t] = dg!;
    dc = dcPrev!;
    dhNext = matmul(dg!, w.wHh);
  }
  const g = concat(dGates, 0);
  const dWhh = matmul(g, concat(s.hPrev, 0), { transposeA: true });
  const dWih = matmul(g, s.x, { transposeA: true });
  return [matmul(g, w.wIh), dhNext!, dc, dWih, dWhh, sum(g, 0)];
}

/**
 * One LSTM layer: x [T, N, F], h0 and c0 [N, H] -> `[T + 1, N, H]`, h_1 .. h_T then c_T. Differentiable in every
 * input and weight through one hand-written backward (see the module comment); outside a gradient tape it runs
 * the same forward and saves nothing.
 */
export function lstmSequence(x: Tensor, h0: Tensor, c0: Tensor, w: RecurrentWeights): Tensor {
  const [steps, n, features] = x.shape as [number, number, number];
  const flat = (t: Tensor): Tensor => reshape(t, [steps * n, features]);
  if (!engine.isRecording()) return forward(flat(x), h0, c0, w, steps, false).value;
  const biases = w.bIh === null || w.bHh === null ? [] : [w.bIh, w.bHh];
  const fn = customGrad((...inputs: Tensor[]) => {
    const { value, saved } = forward(flat(inputs[0]!), inputs[1]!, inputs[2]!, w, steps, true);
    return {
      value,
      // The tape keeps copies of these past the caller's tidy, and frees them even if no gradient reaches here.
      save: [saved.x, ...saved.gates, ...saved.hPrev, ...saved.cPrev],
      grad: (dy: Tensor, kept: readonly Tensor[]) => {
        const [dx, dh0, dc0, dWih, dWhh, db] = tidy(() => backward(dy, unpack(kept, steps), w));
        // Each input gets a tensor of its own (the tape may dispose them separately).
        return [
          dx!.reshape([steps, n, features]),
          dh0!,
          dc0!,
          dWih!,
          dWhh!,
          ...biases.map((_, i) => (i === 0 ? db! : clone(db!))),
        ];
      },
    };
  });
  return fn(x, h0, c0, w.wIh, w.wHh, ...biases);
}
