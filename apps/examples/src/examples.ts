/** Every example, by the name the CLI takes. */
import { perceptron } from './perceptron/perceptron';
import type { Example } from './shared/example';

// biome-ignore lint/suspicious/noExplicitAny: each example has its own config type; the CLI passes it through.
export const EXAMPLES: Record<string, Example<any>> = {
  perceptron,
};
