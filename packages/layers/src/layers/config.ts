/** Reading constructor arguments back from a JSON config (model.json), with errors that name the field. */
import { FormatError } from '@nn/tensor';

type Config = Record<string, unknown>;

export function configNumber(layer: string, config: Config, key: string, fallback?: number): number {
  const value = config[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FormatError(`${layer}: config.${key} must be a finite number, got ${JSON.stringify(config[key])}`);
  }
  return value;
}

export function configBoolean(layer: string, config: Config, key: string, fallback: boolean): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new FormatError(`${layer}: config.${key} must be a boolean, got ${JSON.stringify(config[key])}`);
  }
  return value;
}

/** A number or a pair of numbers (kernel sizes, strides, paddings). */
export function configPair(
  layer: string,
  config: Config,
  key: string,
  fallback?: number | readonly [number, number],
): number | [number, number] {
  const value = config[key] ?? fallback;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return [value[0] as number, value[1] as number];
  }
  throw new FormatError(
    `${layer}: config.${key} must be a number or a pair of numbers, got ${JSON.stringify(config[key])}`,
  );
}

/** Copies a pair into a fresh mutable value, so a config never aliases a layer's own state. */
export function copyPair(value: number | readonly [number, number]): number | [number, number] {
  return typeof value === 'number' ? value : [value[0], value[1]];
}
