/**
 * `Module`: the base class of every layer and model, with PyTorch's semantics spelled the JS way.
 *
 * Parameters, buffers and sub-modules are discovered from the module's own fields, in assignment order,
 * so a custom model only assigns them: `this.fc1 = new Linear(4, 8)`. A field holding a Tensor is a
 * parameter unless it was registered with `registerBuffer`; arrays and plain objects of modules or
 * tensors are walked too and named by index/key (`blocks.0.weight`), like PyTorch's ModuleList/ModuleDict.
 */
import { checkOptions, DTypeError, FormatError, fmtShape, keep, type OptionKeys, Tensor, ValueError } from '@nn/tensor';

/** What `loadStateDict` reports, like PyTorch's `_IncompatibleKeys`. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** When true (the default), missing or unexpected keys are an error. */
  strict?: boolean;
}

/** Options of `numParameters`. */
export interface NumParametersOptions {
  /** Count `parameters()` only, not buffers such as BatchNorm's running statistics (default false). */
  trainableOnly?: boolean;
}

const NUM_PARAMETERS_OPTIONS: OptionKeys<NumParametersOptions> = { trainableOnly: true };

type MemberKind = 'parameter' | 'buffer' | 'module';
interface Member {
  name: string;
  kind: MemberKind;
  value: Tensor | Module;
}

/**
 * The base class of layers and models. Subclasses assign layers/parameters to fields and override `forward`.
 * @example
 * class Mlp extends Module {
 *   fc1 = new Linear(4, 8);
 *   fc2 = new Linear(8, 1);
 *   forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 */
export abstract class Module {
  /** Train mode (the default) or eval mode; switch with `train()`/`eval()`. */
  training = true;
  /** Field names that hold buffers (state that is saved but not trained). Private fields are not walked. */
  readonly #bufferNames = new Set<string>();

  /** The computation. Subclasses narrow the signature, e.g. `forward(x: Tensor): Tensor`. */
  abstract forward(...inputs: unknown[]): unknown;

  /** Registers `value` as a parameter under `name` (kept alive past tidy scopes); `null` registers none. */
  protected registerParameter(name: string, value: Tensor | null): void {
    if (value !== null && !(value instanceof Tensor)) {
      throw new ValueError(`registerParameter: '${name}' must be a Tensor or null`);
    }
    this.#bufferNames.delete(name);
    Reflect.set(this, name, value === null ? null : keep(value));
  }

  /** Registers `value` as a buffer: part of `stateDict()`, not of `parameters()` (e.g. BatchNorm running stats). */
  protected registerBuffer(name: string, value: Tensor | null): void {
    if (value !== null && !(value instanceof Tensor)) {
      throw new ValueError(`registerBuffer: '${name}' must be a Tensor or null`);
    }
    this.#bufferNames.add(name);
    Reflect.set(this, name, value === null ? null : keep(value));
  }

  /**
   * The fields that may hold members, in order. Own enumerable properties keep assignment order
   * (integer-like keys first, ascending, which is what Sequential's 0, 1, 2... need).
   */
  protected memberEntries(): [string, unknown][] {
    return Object.entries(this);
  }

  /** Direct members of this module (not recursing into sub-modules). */
  #members(): Member[] {
    const members: Member[] = [];
    const visit = (name: string, value: unknown, isBuffer: boolean, depth: number): void => {
      if (value instanceof Module) members.push({ name, kind: 'module', value });
      else if (value instanceof Tensor) members.push({ name, kind: isBuffer ? 'buffer' : 'parameter', value });
      else if (depth > 8) {
        // Containers nested this deep are data, not structure.
      } else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) visit(`${name}.${i}`, value[i], isBuffer, depth + 1);
      } else if (isPlainObject(value)) {
        for (const [key, v] of Object.entries(value)) visit(`${name}.${key}`, v, isBuffer, depth + 1);
      }
    };
    for (const [key, value] of this.memberEntries()) visit(key, value, this.#bufferNames.has(key), 0);
    return members;
  }

  /** Immediate sub-modules with their names. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const m of this.#members()) {
      if (m.kind === 'module' && !seen.has(m.value as Module)) {
        seen.add(m.value as Module);
        out.push([m.name, m.value as Module]);
      }
    }
    return out;
  }

  /** Immediate sub-modules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module ('' as its name) and every sub-module, depth first, each once. */
  namedModules(prefix = ''): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const walk = (module: Module, name: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([name, module]);
      for (const [child, m] of module.namedChildren()) walk(m, name === '' ? child : `${name}.${child}`);
    };
    walk(this, prefix);
    return out;
  }

  /** Every module of the tree, this one first. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  #namedTensors(kind: 'parameter' | 'buffer', dedupe: boolean): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    const walk = (module: Module, prefix: string, path: Set<Module>): void => {
      if (path.has(module)) return; // a module that contains itself: stop instead of recursing forever
      path.add(module);
      // As PyTorch: a module's own tensors come before those of its children, whatever the field order.
      const members = module.#members();
      for (const m of members) {
        if (m.kind === kind && !(dedupe && seen.has(m.value as Tensor))) {
          seen.add(m.value as Tensor);
          out.push([prefix + m.name, m.value as Tensor]);
        }
      }
      for (const m of members) if (m.kind === 'module') walk(m.value as Module, `${prefix}${m.name}.`, path);
      path.delete(module);
    };
    walk(this, '', new Set());
    return out;
  }

  /** `[name, parameter]` pairs in PyTorch order with PyTorch names (`0.weight`, `fc1.bias`); shared ones once. */
  namedParameters(): [string, Tensor][] {
    return this.#namedTensors('parameter', true);
  }

  /** Every trainable tensor, for an optimizer: `new Adam(model.parameters())`. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /**
   * How many values the model holds: every parameter and buffer, i.e. what `stateDict()` saves (Keras counts
   * BatchNorm's running statistics the same way), or with `{ trainableOnly: true }` the parameters alone (PyTorch's
   * `sum(p.numel() for p in model.parameters())`). A tensor shared by two layers counts once.
   * @example lenet5().numParameters() // 61706
   */
  numParameters(options: NumParametersOptions = {}): number {
    checkOptions('numParameters', options, NUM_PARAMETERS_OPTIONS);
    const tensors = options.trainableOnly ? this.parameters() : [...this.parameters(), ...this.buffers()];
    return [...new Set(tensors)].reduce((total, t) => total + t.size, 0);
  }

  /** `[name, buffer]` pairs (e.g. `bn.running_mean`). */
  namedBuffers(): [string, Tensor][] {
    return this.#namedTensors('buffer', true);
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /**
   * Parameters and buffers by PyTorch name, module by module in field order, as PyTorch's `state_dict()`.
   * The tensors are the live ones (not copies): save or clone them before training further.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const walk = (module: Module, prefix: string, path: Set<Module>): void => {
      if (path.has(module)) return;
      path.add(module);
      // PyTorch writes a module's own parameters, then its own buffers, then its children's entries.
      const members = module.#members();
      for (const kind of ['parameter', 'buffer'] as const) {
        for (const m of members) if (m.kind === kind) out[prefix + m.name] = m.value as Tensor;
      }
      for (const m of members) if (m.kind === 'module') walk(m.value as Module, `${prefix}${m.name}.`, path);
      path.delete(module);
    };
    walk(this, '', new Set());
    return out;
  }

  /**
   * Copies `stateDict` values into this model's parameters and buffers, in place (references held by
   * optimizers stay valid). Everything is checked before anything is written, so a failed load leaves
   * the model untouched: shape/dtype mismatches and (with `strict`) missing/unexpected keys throw FormatError.
   */
  loadStateDict(stateDict: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadResult {
    const { strict = true } = options;
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new FormatError('loadStateDict: expected a Record<string, Tensor>');
    }
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts: string[] = [];
      if (missingKeys.length > 0) parts.push(`missing keys: ${missingKeys.join(', ')}`);
      if (unexpectedKeys.length > 0) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
      throw new FormatError(`loadStateDict: state dict does not match the model: ${parts.join('; ')}`);
    }
    const pairs: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!Object.hasOwn(stateDict, key)) continue;
      const value = stateDict[key];
      if (!(value instanceof Tensor)) throw new FormatError(`loadStateDict: '${key}' is not a Tensor`);
      if (value.isDisposed) throw new FormatError(`loadStateDict: '${key}' was disposed`);
      if (value.shape.length !== target.shape.length || value.shape.some((d, i) => d !== target.shape[i])) {
        throw new FormatError(
          `loadStateDict: shape mismatch for '${key}': expected ${fmtShape(target.shape)}, got ${fmtShape(value.shape)}`,
        );
      }
      if (value.dtype !== target.dtype) {
        throw new FormatError(
          `loadStateDict: dtype mismatch for '${key}': expected ${target.dtype}, got ${value.dtype}`,
        );
      }
      pairs.push([target, value]);
    }
    for (const [target, value] of pairs) target.assign(value);
    return { missingKeys, unexpectedKeys };
  }

  /** Sets train mode (or eval mode with `false`) on this module and every sub-module. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Eval mode: Dropout is the identity, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** The constructor arguments, JSON-safe, so `deserializeModule` can rebuild the module. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** Sub-modules a container passes to its constructor (Sequential); others rebuild theirs from the config. */
  serializedChildren(): Module[] | undefined {
    return undefined;
  }

  /**
   * Converts every float parameter and buffer held directly in a field to `dtype` (e.g. float64 for gradient
   * checks). The tensors are replaced, so do it before handing `parameters()` to an optimizer.
   */
  to(dtype: 'float32' | 'float64'): this {
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`Module.to: unsupported dtype '${dtype}'`);
    for (const module of this.modules()) {
      for (const m of module.#members()) {
        if (m.kind === 'module' || m.name.includes('.')) continue;
        const t = m.value as Tensor;
        if (t.dtype === 'int32' || t.dtype === dtype) continue;
        Reflect.set(module, m.name, keep(t.cast(dtype)));
        t.dispose();
      }
    }
    return this;
  }

  toString(): string {
    const config = JSON.stringify(this.getConfig());
    const children = this.namedChildren();
    if (children.length === 0) return `${this.constructor.name}(${config === '{}' ? '' : config})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().replaceAll('\n', '\n  ')}`);
    return `${this.constructor.name}(\n${lines.join('\n')}\n)`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
