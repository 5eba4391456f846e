/** Every example, by the name the CLI takes. */
import { lstm } from './lstm/lstm';
import { mlp6441 } from './mlp-6-4-4-1/mlp';
import { perceptron } from './perceptron/perceptron';
import { rbm } from './rbm/rbm';
import { resnet } from './resnet/resnet';
import type { Example } from './shared/example';

// biome-ignore lint/suspicious/noExplicitAny: each example has its own config type; the CLI passes it through.
export const EXAMPLES: Record<string, Example<any>> = {
  perceptron,
  'mlp-6-4-4-1': mlp6441,
  rbm,
  lstm,
  resnet,
};
