/**
 * Options objects checked for unknown keys: a misspelt option (`validationSplt`, `learningRate` for `lr`) is a
 * ValueError naming it, the known options and the closest one, instead of being ignored without a word.
 * Shared by every package that takes options (layers, fit, optimizers), so the messages read the same everywhere.
 */
import { ValueError } from '../errors';

/**
 * Every key of an options type as a record, so the compiler refuses a list that misses or invents one.
 * @example const SGD_OPTIONS: OptionKeys<SGDOptions> = { lr: true, momentum: true, nesterov: true, weightDecay: true };
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Throws a ValueError unless `options` is undefined or an object whose keys are all in `known`. A key whose value
 * is `undefined` is accepted (it changes nothing, so nothing is silently ignored). `aliases` maps spellings of other
 * libraries to ours (`{ learningRate: 'lr' }`) for the suggestion.
 * @example checkOptions('fit', { validationSplt: 0.1 }, FIT_OPTIONS)
 * // ValueError: fit: unknown option 'validationSplt'; did you mean 'validationSplit'? (known options: epochs, ...)
 */
export function checkOptions<T extends object>(
  owner: string,
  options: T | undefined,
  known: OptionKeys<T>,
  aliases: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${owner}: options must be an object, got ${describeValue(options)}`);
  }
  const names = Object.keys(known);
  const unknown = Object.keys(options).filter(
    (key) => !Object.hasOwn(known, key) && (options as Record<string, unknown>)[key] !== undefined,
  );
  if (unknown.length === 0) return;
  const parts = unknown.map((key) => {
    const suggestion = closestName(key, names, aliases);
    return suggestion === undefined ? `'${key}'` : `'${key}'; did you mean '${suggestion}'?`;
  });
  const what = unknown.length === 1 ? 'option' : 'options';
  throw new ValueError(`${owner}: unknown ${what} ${parts.join(', ')} (known options: ${names.join(', ')})`);
}

/**
 * The name of `names` that `key` most likely meant: an alias, the same name in another case or with
 * underscores (`batch_size`), a name it is part of or contains (`batch`, `use_bias`), or the nearest by edit distance
 * (at most a third of the key's length); else undefined.
 * @example closestName('epoch', ['epochs', 'batchSize']) // 'epochs'
 */
export function closestName(
  key: string,
  names: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const alias = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
  if (alias !== undefined && names.includes(alias)) return alias;
  const normal = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const same = names.find((name) => normal(name) === normal(key));
  if (same !== undefined) return same;
  // A cut-short or decorated name (`batch` for `batchSize`, Keras' `use_bias` for `bias`).
  const contains = (a: string, b: string) => b.length >= 3 && a.includes(b);
  const part = names.find((name) => contains(normal(name), normal(key)) || contains(normal(key), normal(name)));
  if (part !== undefined) return part;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const name of names) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * A value as an error message shows it: numbers as JavaScript prints them (NaN and Infinity stay visible, where
 * JSON.stringify would print null), strings quoted, arrays element by element, plain objects as (short) JSON,
 * instances by their class name.
 * @example describeValue([NaN, 1]) // '[NaN, 1]'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `a ${value.constructor?.name ?? 'object'}`;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
