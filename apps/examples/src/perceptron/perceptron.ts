/**
 * The perceptron: Rosenblatt's learning rule with a step activation learns AND and OR, never XOR (no line
 * separates XOR's classes); a 2-2-1 MLP trained by backpropagation does.
 */
import { binaryCrossEntropy, Linear, Sequential, Sigmoid, Tanh } from '@nn/layers';
import { Adam } from '@nn/optim';
import { type Tensor, tensor, tidy } from '@nn/tensor';
import { type Example, type RunContext, writePicture, written } from '../shared/example';
import { decisionRegionsSvg, type Panel } from './regions';

export interface PerceptronConfig {
  /** Passes of the perceptron rule over the four rows of a truth table. */
  perceptronEpochs: number;
  /** Full-batch Adam steps for the 2-2-1 MLP. */
  mlpSteps: number;
}

const INPUTS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const TRUTH_TABLES: Record<'AND' | 'OR' | 'XOR', number[]> = {
  AND: [0, 0, 0, 1],
  OR: [0, 1, 1, 1],
  XOR: [0, 1, 1, 0],
};

/** step(x) = 1 if x > 0 else 0: the perceptron's activation. */
export function step(x: Tensor): Tensor {
  return x.greater(0);
}

export interface Perceptron {
  weight: Tensor;
  bias: Tensor;
  /** Misclassified rows after each epoch. */
  errors: number[];
}

/** Rosenblatt's rule, one row at a time: w += lr * (target - step(w.x + b)) * x. */
export function trainPerceptron(targets: readonly number[], epochs: number, lr = 1): Perceptron {
  let weight = tensor([0, 0]);
  let bias = tensor(0);
  const errors: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < INPUTS.length; i++) {
      const x = tensor(INPUTS[i]!);
      const output = step(x.mul(weight).sum().add(bias)).item();
      const delta = lr * (targets[i]! - output);
      weight = weight.add(x.mul(delta));
      bias = bias.add(delta);
    }
    errors.push(countErrors(predictPerceptron(weight, bias, tensor(INPUTS)), targets));
  }
  return { weight, bias, errors };
}

function predictPerceptron(weight: Tensor, bias: Tensor, x: Tensor): Tensor {
  return step(
    x
      .matmul(weight.reshape([2, 1]))
      .add(bias)
      .reshape([-1]),
  );
}

function countErrors(predicted: Tensor, targets: readonly number[]): number {
  const values = predicted.dataSync();
  return targets.filter((t, i) => values[i] !== t).length;
}

/** A 2-2-1 MLP (tanh hidden layer, sigmoid output) trained on XOR with binary cross-entropy. */
export function trainXorMlp(steps: number): { model: Sequential; losses: number[]; errors: number } {
  const model = new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 1), new Sigmoid());
  const optimizer = new Adam(model.parameters(), { lr: 0.1 });
  const x = tensor(INPUTS);
  const y = tensor(TRUTH_TABLES.XOR, [4, 1]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.step(() => binaryCrossEntropy(model.forward(x), y));
    losses.push(loss.item());
    loss.dispose();
  }
  const predicted = tidy(() => model.forward(x).greater(0.5).reshape([-1]));
  return { model, losses, errors: countErrors(predicted, TRUTH_TABLES.XOR) };
}

async function run(config: PerceptronConfig, context: RunContext) {
  const panels: Panel[] = [];
  const metrics: Record<string, number> = {};
  for (const name of ['AND', 'OR', 'XOR'] as const) {
    const p = trainPerceptron(TRUTH_TABLES[name], config.perceptronEpochs);
    const last = p.errors.at(-1)!;
    metrics[`perceptron${name}Errors`] = last;
    context.log(`perceptron ${name}: errors per epoch ${p.errors.join(' ')}`);
    panels.push({
      title: `perceptron, ${name}: ${last} error${last === 1 ? '' : 's'}`,
      targets: TRUTH_TABLES[name],
      predict: (x) => predictPerceptron(p.weight, p.bias, x),
    });
  }
  metrics.perceptronXorFewestErrors = Math.min(...trainPerceptron(TRUTH_TABLES.XOR, config.perceptronEpochs).errors);
  context.log(
    `XOR: the perceptron never gets all four rows right (fewest errors in any epoch: ${metrics.perceptronXorFewestErrors})`,
  );
  const mlp = trainXorMlp(config.mlpSteps);
  metrics.mlpXorErrors = mlp.errors;
  context.log(
    `2-2-1 MLP on XOR: loss ${mlp.losses[0]!.toFixed(4)} -> ${mlp.losses.at(-1)!.toFixed(4)}, ${mlp.errors} errors`,
  );
  panels.push({
    title: `2-2-1 MLP, XOR: ${mlp.errors} errors`,
    targets: TRUTH_TABLES.XOR,
    predict: (x) => mlp.model.forward(x).greater(0.5).reshape([-1]),
  });
  const picture = await writePicture(context, 'decision-regions.svg', decisionRegionsSvg(panels));
  return { lossStart: mlp.losses[0]!, lossEnd: mlp.losses.at(-1)!, metrics, pictures: written(picture) };
}

export const perceptron: Example<PerceptronConfig> = {
  name: 'perceptron',
  title: 'AND and OR with a step-activation perceptron; XOR needs a hidden layer (2-2-1 MLP)',
  full: { perceptronEpochs: 20, mlpSteps: 500 },
  quick: { perceptronEpochs: 10, mlpSteps: 300 },
  run,
};
