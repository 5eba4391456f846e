/**
 * Unknown-option checks for optimizers and schedules: a misspelt option (`learningRate`, `weight_decay`,
 * `T_max`) is a ValueError naming it, the closest known option and all of them, instead of being ignored or
 * reported as a missing value.
 */
import { ValueError } from '@nn/tensor';

/** Spellings from other libraries that mean one of our option names (Keras, PyTorch's positional names). */
const ALIASES: Readonly<Record<string, string>> = {
  learningRate: 'lr',
  learning_rate: 'lr',
  beta1: 'betas',
  beta2: 'betas',
  rho: 'alpha',
};

/**
 * Throws a ValueError unless every key of `options` whose value is not undefined is in `known`.
 * @example checkOptions('SGD', { learningRate: 0.1 }, ['lr', 'momentum'])
 * // ValueError: SGD: unknown option 'learningRate'; did you mean 'lr'? (known options: lr, momentum)
 */
export function checkOptions(where: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const got = Array.isArray(options) ? 'an array' : String(options);
    throw new ValueError(`${where}: options must be an object, got ${got}`);
  }
  const values = options as Record<string, unknown>;
  const unknown = Object.keys(values).filter((key) => !known.includes(key) && values[key] !== undefined);
  if (unknown.length === 0) return;
  const parts = unknown.map((key) => {
    const suggestion = suggestOption(key, known);
    return suggestion === undefined ? `'${key}'` : `'${key}'; did you mean '${suggestion}'?`;
  });
  const noun = unknown.length === 1 ? 'option' : 'options';
  throw new ValueError(`${where}: unknown ${noun} ${parts.join(', ')} (known options: ${known.join(', ')})`);
}

/**
 * The known option `key` most likely meant: an alias from another library, the same name in another case or
 * snake_case, or the nearest by edit distance (at most a third of the key's length); undefined when none is close.
 * @example suggestOption('weight_decay', ['lr', 'weightDecay']) // 'weightDecay'
 */
export function suggestOption(key: string, known: readonly string[]): string | undefined {
  const alias = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (alias !== undefined && known.includes(alias)) return alias;
  const plain = (name: string) => name.toLowerCase().replace(/[_-]/g, '');
  const same = known.find((name) => plain(name) === plain(key));
  if (same !== undefined) return same;
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of known) {
    const distance = editDistance(plain(key), plain(name));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance where swapping two neighbouring letters also costs 1 (`lamdba` -> `lambda`). */
function editDistance(a: string, b: string): number {
  // Three rows suffice: the swap looks two rows back.
  let older: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, older[j - 2]! + 1);
      current.push(best);
    }
    older = previous;
    previous = current;
  }
  return previous[b.length]!;
}
