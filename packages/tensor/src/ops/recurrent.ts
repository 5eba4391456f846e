/** The fused LSTM cell (see kernels/recurrent.ts): the elementwise half of one LSTM time step in one kernel. */
import { engine } from '../engine';
import type { Tensor } from '../tensor';
import { assertTensor } from './create';

/**
 * One LSTM step after its matmuls, PyTorch's equations and gate order: from the gate pre-activations
 * `gates` `[N, 4H]` (x W_ih^T + b_ih + h W_hh^T + b_hh, blocks i, f, g, o) and the cell state `c` `[N, H]`,
 * returns `[2, N, H]`, h' = o * tanh(c') stacked on c' = f * c + i * g (i, f, o sigmoid; g tanh).
 * @example lstmCell(zeros([3, 8]), zeros([3, 2])).shape // [2, 3, 2], h' then c'
 */
export function lstmCell(gates: Tensor, c: Tensor): Tensor {
  assertTensor('lstmCell', gates, 'gates');
  assertTensor('lstmCell', c, 'c');
  return engine.runKernel('LSTMCell', { gates, c }, {});
}
