/**
 * The 20-layer networks of He et al.'s CIFAR experiment, sized for MNIST: a 3x3 conv, three stages of three
 * two-conv blocks (width w, 2w, 4w; the last two start with stride 2: 28 -> 14 -> 7), global average pooling
 * and a linear layer. The plain and the residual network differ only in the skip connection, which is the
 * parameter-free identity (option A of the paper: subsample, then pad the new channels with zeros), so both have
 * exactly the same parameters.
 */
import { AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, Module, ReLU, Sequential } from '@nn/layers';
import { maxPool2d, type Tensor } from '@nn/tensor';

/** Two 3x3 conv + batch-norm layers, with (residual) or without (plain) the identity skip around them. */
export class Block extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride: number,
    readonly residual: boolean,
  ) {
    super();
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(outChannels);
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(outChannels);
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
    return this.residual ? out.add(this.shortcut(x)).relu() : out.relu();
  }

  /** x itself, or (when the block halves the size and widens) x subsampled with the new channels zero. */
  private shortcut(x: Tensor): Tensor {
    if (this.stride === 1 && this.inChannels === this.outChannels) return x;
    const extra = this.outChannels - this.inChannels;
    return maxPool2d(x, { kernelSize: 1, stride: this.stride }).pad([
      [0, 0],
      [Math.floor(extra / 2), Math.ceil(extra / 2)],
      [0, 0],
      [0, 0],
    ]);
  }
}

/** The 20-layer network: `residual` false = plain. Input [N, 1, 28, 28], output logits [N, 10]. */
export function network20(width: number, residual: boolean): Sequential {
  const layers: Module[] = [new Conv2d(1, width, 3, { padding: 1, bias: false }), new BatchNorm2d(width), new ReLU()];
  let channels = width;
  for (const [stage, stageWidth] of [width, 2 * width, 4 * width].entries()) {
    for (let i = 0; i < 3; i++) {
      layers.push(new Block(channels, stageWidth, stage > 0 && i === 0 ? 2 : 1, residual));
      channels = stageWidth;
    }
  }
  layers.push(new AvgPool2d(7), new Flatten(), new Linear(channels, 10));
  return new Sequential(...layers);
}
