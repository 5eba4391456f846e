/** Sequential: chains modules, each one's output the next one's input; children are named 0, 1, 2... */
import { type Tensor, ValueError } from '@nn/tensor';
import { Module } from '../module';

/**
 * Runs its layers in order, each one's output the next one's input (PyTorch's nn.Sequential).
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 * model[0]; // the first Linear; its weight is '0.weight' in the state dict
 */
export class Sequential extends Module {
  /** The layers, by position (as PyTorch's `model[0]`). */
  readonly [index: number]: Module;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ValueError(`Sequential: argument ${i} is not a Module`);
      // Integer-like keys enumerate first and in ascending order, which gives PyTorch's 0, 1, 2... names.
      Object.defineProperty(this, String(i), { value: m, enumerable: true, writable: false, configurable: true });
    });
  }

  /** How many layers. */
  get length(): number {
    return this.layers().length;
  }

  /** The layers in order. */
  layers(): Module[] {
    const out: Module[] = [];
    for (let i = 0; this[i] !== undefined; i++) out.push(this[i]!);
    return out;
  }

  /** Appends a layer (named by its position). */
  push(module: Module): this {
    if (!(module instanceof Module)) throw new ValueError('Sequential.push: not a Module');
    Object.defineProperty(this, String(this.length), {
      value: module,
      enumerable: true,
      writable: false,
      configurable: true,
    });
    return this;
  }

  /** Runs the layers in order. Typed for the usual Tensor -> Tensor chain; layers may pass other values along. */
  forward(x: Tensor): Tensor {
    let value: unknown = x;
    for (const layer of this.layers()) value = layer.forward(value);
    return value as Tensor;
  }

  override serializedChildren(): Module[] {
    return this.layers();
  }

  static fromConfig(_config: Record<string, unknown>, children: Module[]): Sequential {
    return new Sequential(...children);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers()[Symbol.iterator]();
  }
}
