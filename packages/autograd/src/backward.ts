/** The backward pass: one reverse walk over a tape, accumulating gradients per tensor id. */
import { add, onesLike, type Tensor, tidy, zerosLike } from '@nn/tensor';
import { idOf, type Tape, type TapeNode } from './tape';

/**
 * Gradients of the scalar `value` with respect to `wrt`, from what `tape` recorded, and the indices of the `wrt`
 * the value does not depend on at all (their gradients are zeros, like those reached only through a
 * non-differentiable op). Intermediate gradients and each node's saved tensors are released as soon as the walk
 * has passed them.
 */
export function backward(tape: Tape, value: Tensor, wrt: readonly Tensor[]): { grads: Tensor[]; unused: number[] } {
  const reached = new Set<number>([idOf(value)]);
  const grads = tidy(() => {
    const grads = new Map<number, Tensor>();
    grads.set(idOf(value), onesLike(value));
    const { nodes, watched } = tape;
    for (let n = nodes.length - 1; n >= 0; n--) {
      const node = nodes[n]!;
      if (reached.has(node.outputId)) {
        for (const ids of Object.values(node.inputIds)) {
          if (typeof ids === 'number') reached.add(ids);
          else for (const id of ids) reached.add(id);
        }
      }
      const dy = grads.get(node.outputId);
      if (dy !== undefined) {
        grads.delete(node.outputId);
        const kept = applyRule(node, dy, watched, grads);
        if (!kept) dy.dispose();
      }
      for (const t of node.saved) t.dispose();
    }
    return wrt.map((t) => grads.get(idOf(t)) ?? zerosLike(t));
  });
  const unused = wrt.flatMap((t, i) => (reached.has(idOf(t)) ? [] : [i]));
  return { grads, unused };
}

/** Runs one node's rule for the inputs that need a gradient; returns whether `dy` itself was stored. */
function applyRule(node: TapeNode, dy: Tensor, watched: Set<number>, grads: Map<number, Tensor>): boolean {
  const thunks = node.rule.vjp({ dy, inputs: node.inputs, output: node.output, attrs: node.attrs });
  // One tidy per node frees the rule's temporaries right away, not at the end of the whole pass.
  const results = tidy(() => {
    const out: [number, Tensor][] = [];
    for (const name in node.inputIds) {
      const ids = node.inputIds[name]!;
      const thunk = thunks[name];
      if (thunk === undefined) continue;
      if (typeof ids === 'number') {
        if (watched.has(ids)) out.push([ids, thunk() as Tensor]);
      } else if (ids.some((id) => watched.has(id))) {
        const pieces = thunk() as readonly Tensor[];
        ids.forEach((id, i) => {
          if (watched.has(id)) out.push([id, pieces[i]!]);
        });
      }
    }
    return out;
  });
  let dyStored = false;
  const seen: Tensor[] = [];
  const stored: Tensor[] = [];
  for (const [id, result] of results) {
    // A gradient map entry must own its tensor alone: a rule may return dy, or one tensor for two inputs.
    const grad = seen.includes(result) || (result === dy && dyStored) ? result.reshape(result.shape) : result;
    seen.push(grad);
    const previous = grads.get(id);
    if (previous === undefined) {
      grads.set(id, grad);
      stored.push(grad);
      if (grad === dy) dyStored = true;
    } else {
      grads.set(id, add(previous, grad));
      previous.dispose();
    }
  }
  for (const t of seen) if (t !== dy && !stored.includes(t)) t.dispose();
  return dyStored;
}
