/** Every example, by the name the CLI takes. */
import { autoencoder } from './autoencoder/autoencoder';
import { charGpt } from './char-gpt/char-gpt';
import { customGradExample } from './custom-grad/custom-grad';
import { gan } from './gan/gan';
import { lstm } from './lstm/lstm';
import { mlp6441 } from './mlp-6-4-4-1/mlp';
import { perceptron } from './perceptron/perceptron';
import { rbm } from './rbm/rbm';
import { resnet } from './resnet/resnet';
import type { Example } from './shared/example';

// Each example has its own configuration type; the CLI only passes one of the example's own back to it.
export const EXAMPLES: Record<string, Example<object>> = {
  perceptron,
  'mlp-6-4-4-1': mlp6441,
  rbm,
  lstm,
  resnet,
  autoencoder,
  gan,
  'custom-grad': customGradExample,
  'char-gpt': charGpt,
};
