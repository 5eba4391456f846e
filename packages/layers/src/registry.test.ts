import { FormatError, manualSeed, type Tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Linear } from './layers/linear';
import { Sequential } from './layers/sequential';
import { Module } from './module';
import { deserializeModule, registerModule, serializeModule } from './registry';

/** A custom model whose constructor takes the object its getConfig() returns. */
class Mlp extends Module {
  readonly hidden: number;
  fc1: Linear;
  fc2: Linear;

  constructor(config: { hidden?: number } = {}) {
    super();
    this.hidden = config.hidden ?? 4;
    this.fc1 = new Linear(2, this.hidden);
    this.fc2 = new Linear(this.hidden, 1);
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).tanh());
  }

  override getConfig(): Record<string, unknown> {
    return { hidden: this.hidden };
  }
}

describe('registry', () => {
  it('custom modules round-trip once registered, also inside a Sequential', () => {
    registerModule('TestMlp', Mlp);
    manualSeed(0);
    const model = new Sequential(new Mlp({ hidden: 3 }), new Linear(1, 2));
    const spec = serializeModule(model);
    expect(spec.children?.[0]).toEqual({ className: 'TestMlp', config: { hidden: 3 } });
    const rebuilt = deserializeModule(JSON.parse(JSON.stringify(spec)));
    expect(Object.keys(rebuilt.stateDict())).toEqual([
      '0.fc1.weight',
      '0.fc1.bias',
      '0.fc2.weight',
      '0.fc2.bias',
      '1.weight',
      '1.bias',
    ]);
    expect((rebuilt as Sequential)[0]).toBeInstanceOf(Mlp);
  });

  it('an explicit factory wins over the constructor', () => {
    class Scaled extends Module {
      constructor(readonly factor: number) {
        super();
      }
      forward(x: Tensor): Tensor {
        return x.mul(this.factor);
      }
      override getConfig(): Record<string, unknown> {
        return { factor: this.factor };
      }
    }
    registerModule('TestScaled', Scaled, (config) => new Scaled(Number(config.factor)));
    const rebuilt = deserializeModule(serializeModule(new Scaled(3))) as Scaled;
    expect(rebuilt.factor).toBe(3);
  });

  it('unregistered classes cannot be serialized; broken specs are FormatErrors', () => {
    class Unknown extends Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(() => serializeModule(new Unknown())).toThrow(ValueError);
    expect(() => serializeModule(new Unknown())).toThrow(/Unknown is not registered/);
    expect(() => deserializeModule({ className: 'Sequential', config: {}, children: 'x' as never })).toThrow(
      FormatError,
    );
    expect(() => deserializeModule({ className: 'Linear', config: [] as never })).toThrow(FormatError);
  });
});
