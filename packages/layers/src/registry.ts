/**
 * Module (de)serialization: an architecture as JSON-safe data, so `loadModel` can rebuild a model
 * without the user's code. The built-in layers are listed in builtins.ts (not registered on import, which a bundler
 * could drop); custom modules call `registerModule`.
 */
import { dispose, FormatError, ValueError } from '@nn/tensor';
import { builtinModules } from './builtins';
import { Module } from './module';

/** A module's architecture: its registered class name, its constructor arguments and (for containers) children. */
export interface ModuleSpec {
  className: string;
  config: Record<string, unknown>;
  children?: ModuleSpec[];
}

/** Rebuilds a module from its config (and, for containers, its already rebuilt children). */
export type ModuleFactory = (config: Record<string, unknown>, children: Module[]) => Module;

/** A Module class; `fromConfig` is used when present, else `new ctor(config)`. */
export type ModuleClass = (abstract new (
  ...args: never[]
) => Module) & {
  fromConfig?(config: Record<string, unknown>, children: Module[]): Module;
};

const factories = new Map<string, ModuleFactory>();
const names = new Map<unknown, string>();
let builtinsRegistered = false;

/** Registers the built-in layers on first use (a user registration of the same name made earlier wins). */
function ensureBuiltins(): void {
  if (builtinsRegistered) return;
  builtinsRegistered = true;
  for (const [className, ctor] of builtinModules) {
    if (!factories.has(className)) registerModule(className, ctor);
  }
}

/**
 * Makes `ctor` serializable under `className`. Its instances' `getConfig()` must return what rebuilds them:
 * either a static `fromConfig(config, children)`, an explicit `factory`, or a constructor taking the config.
 * @example registerModule('Mlp', Mlp); // Mlp's constructor takes the object its getConfig() returns
 */
export function registerModule(className: string, ctor: ModuleClass, factory?: ModuleFactory): void {
  ensureBuiltins();
  if (typeof className !== 'string' || className === '') {
    throw new ValueError('registerModule: className must be a non-empty string');
  }
  if (typeof ctor !== 'function') throw new ValueError(`registerModule: '${className}' needs a Module class`);
  const make: ModuleFactory =
    factory ??
    (ctor.fromConfig
      ? (config, children) => ctor.fromConfig!(config, children)
      : (config) => new (ctor as unknown as new (config: Record<string, unknown>) => Module)(config));
  factories.set(className, make);
  names.set(ctor, className);
}

/** The registered class name of `module` (by its exact class, so subclasses must register themselves). */
export function registeredName(module: Module): string | undefined {
  ensureBuiltins();
  return names.get(module.constructor);
}

/** Describes `module`'s architecture as JSON-safe data. */
export function serializeModule(module: Module): ModuleSpec {
  if (!(module instanceof Module)) throw new ValueError('serializeModule: expected a Module');
  const className = registeredName(module);
  if (className === undefined) {
    throw new ValueError(
      `serializeModule: ${module.constructor.name} is not registered; call registerModule('${module.constructor.name}', ${module.constructor.name})`,
    );
  }
  const config = module.getConfig();
  // Round-trip through JSON now, so a non-JSON-safe config fails at save time rather than at load time.
  const safe = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const children = module.serializedChildren();
  const spec: ModuleSpec = { className, config: safe };
  if (children !== undefined) spec.children = children.map(serializeModule);
  return spec;
}

/** Rebuilds a module (with fresh parameters) from `serializeModule`'s output; bad specs throw FormatError. */
export function deserializeModule(spec: ModuleSpec): Module {
  if (spec === null || typeof spec !== 'object' || typeof spec.className !== 'string') {
    throw new FormatError(`deserializeModule: expected { className, config }, got ${describe(spec)}`);
  }
  ensureBuiltins();
  const factory = factories.get(spec.className);
  if (factory === undefined) {
    throw new FormatError(
      `deserializeModule: unknown module class '${spec.className}' (registered: ${[...factories.keys()].join(', ')})`,
    );
  }
  const config = spec.config ?? {};
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new FormatError(
      `deserializeModule: config of '${spec.className}' must be an object, got ${describe(config)}`,
    );
  }
  if (spec.children !== undefined && !Array.isArray(spec.children)) {
    throw new FormatError(`deserializeModule: children of '${spec.className}' must be an array`);
  }
  const children: Module[] = [];
  try {
    for (const child of spec.children ?? []) children.push(deserializeModule(child));
    return factory(config, children);
  } catch (error) {
    // A spec that fails halfway must not leak the children already built (their parameters are kept tensors).
    for (const child of children) dispose(child.stateDict());
    if (error instanceof FormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FormatError(`deserializeModule: cannot rebuild '${spec.className}' from ${describe(config)}: ${reason}`);
  }
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return String(value);
  }
}
