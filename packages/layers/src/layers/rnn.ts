/**
 * Recurrent layers RNN, LSTM and GRU with PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0`,
 * `bias_ih_l0`, `bias_hh_l0` per layer), gate layout (LSTM i, f, g, o; GRU r, z, n) and equations, so
 * PyTorch weights load unchanged. Built from public ops, so autograd differentiates through time.
 */
import {
  checkOptions,
  fmtShape,
  matmul,
  type OptionKeys,
  relu,
  ShapeError,
  sigmoid,
  stack,
  type Tensor,
  tanh,
  tidy,
  ValueError,
  zeros,
} from '@nn/tensor';
import { type InitOptions, uniformParameter } from '../init';
import { Module } from '../module';
import { configBoolean, configNumber } from './config';
import { assertPositiveInt } from './linear';
import { lstmSequence, type RecurrentWeights } from './lstm-sequence';

/** Options of `RNN`, `LSTM` and `GRU`. */
export interface RnnOptions extends InitOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Input and output are [N, T, features] (default true, unlike PyTorch); false means [T, N, features]. */
  batchFirst?: boolean;
  /** Learn the bias_ih and bias_hh vectors (default true). */
  bias?: boolean;
}

const RNN_OPTIONS: OptionKeys<RnnOptions> = { numLayers: true, batchFirst: true, bias: true, generator: true };

/** What a recurrent layer returns: every step's top-layer output and the final hidden state. */
export interface RnnResult<H> {
  /** [N, T, hiddenSize] when batchFirst, else [T, N, hiddenSize] ([T, hiddenSize] for unbatched input). */
  output: Tensor;
  /** [numLayers, N, hiddenSize] (LSTM: [h, c], each of that shape). */
  hidden: H;
}

type LayerWeights = RecurrentWeights;

/** One time step of a cell: the input projection `xi` (x @ W_ih^T + b_ih, for all gates) and the previous state. */
type CellStep = (xi: Tensor, state: Tensor[], w: LayerWeights) => Tensor[];

abstract class RecurrentBase extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly bias: boolean;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RnnOptions,
    /** Gate blocks stacked in the weights: 1 (RNN), 3 (GRU), 4 (LSTM). */
    private readonly gates: number,
    knownOptions: OptionKeys<RnnOptions> = RNN_OPTIONS,
  ) {
    super();
    const name = this.constructor.name;
    checkOptions(name, options, knownOptions);
    assertPositiveInt(name, 'inputSize', inputSize);
    assertPositiveInt(name, 'hiddenSize', hiddenSize);
    const { numLayers = 1, batchFirst = true, bias = true } = options;
    assertPositiveInt(name, 'numLayers', numLayers);
    this.numLayers = numLayers;
    this.batchFirst = batchFirst;
    this.bias = bias;
    // PyTorch draws every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden)), in this order.
    const bound = 1 / Math.sqrt(hiddenSize);
    const rows = gates * hiddenSize;
    for (let l = 0; l < numLayers; l++) {
      const inFeatures = l === 0 ? inputSize : hiddenSize;
      this.registerParameter(`weight_ih_l${l}`, uniformParameter([rows, inFeatures], bound, options.generator));
      this.registerParameter(`weight_hh_l${l}`, uniformParameter([rows, hiddenSize], bound, options.generator));
      if (bias) {
        this.registerParameter(`bias_ih_l${l}`, uniformParameter([rows], bound, options.generator));
        this.registerParameter(`bias_hh_l${l}`, uniformParameter([rows], bound, options.generator));
      }
    }
  }

  /** The number of state tensors per layer: 1, or 2 for LSTM (h and c). */
  protected abstract readonly stateCount: number;
  protected abstract step: CellStep;

  protected weights(l: number): LayerWeights {
    const get = (key: string): Tensor | null => (Reflect.get(this, `${key}_l${l}`) as Tensor | undefined) ?? null;
    return { wIh: get('weight_ih')!, wHh: get('weight_hh')!, bIh: get('bias_ih'), bHh: get('bias_hh') };
  }

  /** Checks a given initial state tensor is [numLayers, N, hiddenSize] (or [numLayers, hiddenSize] unbatched). */
  private checkState(t: Tensor, batch: number, batched: boolean, what: string): void {
    const expected = batched ? [this.numLayers, batch, this.hiddenSize] : [this.numLayers, this.hiddenSize];
    if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${this.constructor.name}: ${what} must be ${fmtShape(expected)}, got ${fmtShape(t.shape)}`);
    }
  }

  protected run(x: Tensor, initial: Tensor[] | undefined): { output: Tensor; finals: Tensor[] } {
    const name = this.constructor.name;
    if ((x.rank !== 3 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeError(
        `${name}: expected input ${this.batchFirst ? '[N, T, ' : '[T, N, '}${this.inputSize}] (or [T, ${this.inputSize}]), got ${fmtShape(x.shape)}`,
      );
    }
    const batched = x.rank === 3;
    const batch = batched ? x.shape[this.batchFirst ? 0 : 1]! : 1;
    const steps = x.shape[batched && this.batchFirst ? 1 : 0]!;
    if (steps === 0) throw new ShapeError(`${name}: the sequence is empty: ${fmtShape(x.shape)}`);
    if (initial !== undefined) {
      const names = this.stateCount === 2 ? ['h0', 'c0'] : ['h0'];
      for (let i = 0; i < initial.length; i++) this.checkState(initial[i]!, batch, batched, names[i]!);
    }
    return tidy(() => {
      // Work in [N, T, F] whatever the layout, and one batch of 1 for unbatched input.
      let seq = batched ? (this.batchFirst ? x : x.transpose([1, 0, 2])) : x.expandDims(0);
      const finals: Tensor[][] = [];
      for (let l = 0; l < this.numLayers; l++) {
        const w = this.weights(l);
        let state = initial
          ? initial.map((t) =>
              (batched
                ? t.slice([l, 0, 0], [1, batch, this.hiddenSize])
                : t.slice([l, 0], [1, this.hiddenSize])
              ).reshape([batch, this.hiddenSize]),
            )
          : Array.from({ length: this.stateCount }, () => zeros([batch, this.hiddenSize], x.dtype));
        [seq, state] = this.layer(seq, state, w);
        finals.push(state);
      }
      const output = batched
        ? this.batchFirst
          ? seq
          : seq.transpose([1, 0, 2])
        : seq.reshape([steps, this.hiddenSize]);
      const stacked = Array.from({ length: this.stateCount }, (_, i) => {
        const s = stack(
          finals.map((f) => f[i]!),
          0,
        );
        return batched ? s : s.reshape([this.numLayers, this.hiddenSize]);
      });
      return { output, finals: stacked };
    });
  }

  /** One layer over seq [N, T, F] from `state`, step by step: every step's output [N, T, hiddenSize] and the final state. */
  protected layer(seq: Tensor, initial: Tensor[], w: LayerWeights): [Tensor, Tensor[]] {
    const [batch, steps] = seq.shape as [number, number];
    // The input projection does not depend on the state: one matmul for all time steps.
    let projected = matmul(seq, w.wIh, { transposeB: true });
    if (w.bIh !== null) projected = projected.add(w.bIh);
    const rows = this.gates * this.hiddenSize;
    const outputs: Tensor[] = [];
    let state = initial;
    for (let t = 0; t < steps; t++) {
      const xi = projected.slice([0, t, 0], [batch, 1, rows]).reshape([batch, rows]);
      state = this.step(xi, state, w);
      outputs.push(state[0]!);
    }
    return [stack(outputs, 1), state];
  }

  /** Columns [k * hiddenSize, (k + 1) * hiddenSize) of a [N, gates * hiddenSize] tensor: gate block k. */
  protected gate(t: Tensor, k: number): Tensor {
    return t.slice([0, k * this.hiddenSize], [t.shape[0]!, this.hiddenSize]);
  }

  /** h @ W_hh^T + b_hh */
  protected recurrent(h: Tensor, w: LayerWeights): Tensor {
    const hh = matmul(h, w.wHh, { transposeB: true });
    return w.bHh === null ? hh : hh.add(w.bHh);
  }

  override getConfig(): Record<string, unknown> {
    return {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      batchFirst: this.batchFirst,
      bias: this.bias,
    };
  }
}

function optionsFromConfig(name: string, config: Record<string, unknown>): [number, number, RnnOptions] {
  return [
    configNumber(name, config, 'inputSize'),
    configNumber(name, config, 'hiddenSize'),
    {
      numLayers: configNumber(name, config, 'numLayers', 1),
      batchFirst: configBoolean(name, config, 'batchFirst', true),
      bias: configBoolean(name, config, 'bias', true),
    },
  ];
}

/** Options of `RNN`: those of every recurrent layer plus the nonlinearity. */
export interface ElmanRnnOptions extends RnnOptions {
  /** h' = nonlinearity(W_ih x + b_ih + W_hh h + b_hh); 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

const ELMAN_OPTIONS: OptionKeys<ElmanRnnOptions> = { ...RNN_OPTIONS, nonlinearity: true };

/** The Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh). */
export class RNN extends RecurrentBase {
  protected readonly stateCount = 1;
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: ElmanRnnOptions = {}) {
    super(inputSize, hiddenSize, options, 1, ELMAN_OPTIONS);
    const { nonlinearity = 'tanh' } = options;
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'`);
    }
    this.nonlinearity = nonlinearity;
  }

  protected step: CellStep = (xi, [h], w) => {
    const pre = xi.add(this.recurrent(h!, w));
    return [this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre)];
  };

  /** x: [N, T, inputSize] (batchFirst); hidden: h0 [numLayers, N, hiddenSize], zeros by default. */
  forward(x: Tensor, hidden?: Tensor): RnnResult<Tensor> {
    const { output, finals } = this.run(x, hidden === undefined ? undefined : [hidden]);
    return { output, hidden: finals[0]! };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), nonlinearity: this.nonlinearity };
  }

  static fromConfig(config: Record<string, unknown>): RNN {
    const [inputSize, hiddenSize, options] = optionsFromConfig('RNN', config);
    const nonlinearity = config.nonlinearity === 'relu' ? 'relu' : 'tanh';
    return new RNN(inputSize, hiddenSize, { ...options, nonlinearity });
  }
}

/**
 * Long short-term memory, PyTorch's equations and gate order (i, f, g, o):
 * c' = f * c + i * g, h' = o * tanh(c').
 */
export class LSTM extends RecurrentBase {
  protected readonly stateCount = 2;

  constructor(inputSize: number, hiddenSize: number, options: RnnOptions = {}) {
    super(inputSize, hiddenSize, options, 4);
  }

  /**
   * In training mode a layer runs the fused cell over the whole sequence (`lstmSequence`: one `lstmCell` kernel
   * per step and a hand-written backward through time). In eval mode it runs the cell as its elementwise ops, the
   * kernels `exportOnnx` traces and maps to ONNX (which has no mapping for the fused cell yet); both give the same
   * values.
   */
  protected override layer(seq: Tensor, initial: Tensor[], w: LayerWeights): [Tensor, Tensor[]] {
    if (!this.training) return super.layer(seq, initial, w);
    const [batch, steps] = seq.shape as [number, number];
    const hc = lstmSequence(seq.transpose([1, 0, 2]), initial[0]!, initial[1]!, w);
    const last = (t: number): Tensor =>
      hc.slice([t, 0, 0], [1, batch, this.hiddenSize]).reshape([batch, this.hiddenSize]);
    const outputs = hc.slice([0, 0, 0], [steps, batch, this.hiddenSize]).transpose([1, 0, 2]);
    return [outputs, [last(steps - 1), last(steps)]];
  }

  protected step: CellStep = (xi, [h, c], w) => {
    const gates = xi.add(this.recurrent(h!, w));
    const i = sigmoid(this.gate(gates, 0));
    const f = sigmoid(this.gate(gates, 1));
    const g = tanh(this.gate(gates, 2));
    const o = sigmoid(this.gate(gates, 3));
    const cNext = f.mul(c!).add(i.mul(g));
    return [o.mul(tanh(cNext)), cNext];
  };

  /** x: [N, T, inputSize] (batchFirst); hidden: [h0, c0], each [numLayers, N, hiddenSize], zeros by default. */
  forward(x: Tensor, hidden?: readonly [Tensor, Tensor]): RnnResult<[Tensor, Tensor]> {
    if (hidden !== undefined && (!Array.isArray(hidden) || hidden.length !== 2)) {
      throw new ValueError('LSTM: hidden must be [h0, c0]');
    }
    const { output, finals } = this.run(x, hidden === undefined ? undefined : [...hidden]);
    return { output, hidden: [finals[0]!, finals[1]!] };
  }

  static fromConfig(config: Record<string, unknown>): LSTM {
    return new LSTM(...optionsFromConfig('LSTM', config));
  }
}

/**
 * Gated recurrent unit, PyTorch's equations and gate order (r, z, n):
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.
 */
export class GRU extends RecurrentBase {
  protected readonly stateCount = 1;

  constructor(inputSize: number, hiddenSize: number, options: RnnOptions = {}) {
    super(inputSize, hiddenSize, options, 3);
  }

  protected step: CellStep = (xi, [h], w) => {
    const hh = this.recurrent(h!, w);
    const r = sigmoid(this.gate(xi, 0).add(this.gate(hh, 0)));
    const z = sigmoid(this.gate(xi, 1).add(this.gate(hh, 1)));
    const n = tanh(this.gate(xi, 2).add(r.mul(this.gate(hh, 2))));
    // (1 - z) * n + z * h, written with one fewer op.
    return [n.add(z.mul(h!.sub(n)))];
  };

  /** x: [N, T, inputSize] (batchFirst); hidden: h0 [numLayers, N, hiddenSize], zeros by default. */
  forward(x: Tensor, hidden?: Tensor): RnnResult<Tensor> {
    const { output, finals } = this.run(x, hidden === undefined ? undefined : [hidden]);
    return { output, hidden: finals[0]! };
  }

  static fromConfig(config: Record<string, unknown>): GRU {
    return new GRU(...optionsFromConfig('GRU', config));
  }
}
