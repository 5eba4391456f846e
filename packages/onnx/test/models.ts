/** Small models the export, import and round-trip tests share. */
import { BatchNorm2d, Conv2d, Linear, LSTM, Module, ReLU } from '@nn/layers';
import { relu, type Tensor } from '@nn/tensor';

/** A basic residual block: conv-bn-relu-conv-bn, plus the input (projected when the shape changes). */
class BasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  shortcut: Conv2d | null;

  constructor(inC: number, outC: number, stride: number) {
    super();
    this.conv1 = new Conv2d(inC, outC, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(outC);
    this.conv2 = new Conv2d(outC, outC, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(outC);
    this.shortcut = stride !== 1 || inC !== outC ? new Conv2d(inC, outC, 1, { stride, bias: false }) : null;
  }

  forward(x: Tensor): Tensor {
    const y = this.bn2.forward(this.conv2.forward(relu(this.bn1.forward(this.conv1.forward(x)))));
    return relu(y.add(this.shortcut === null ? x : this.shortcut.forward(x)));
  }
}

/** A small ResNet for 1x16x16 images: stem, two residual blocks, global average pooling, a linear head. */
export class SmallResNet extends Module {
  stem = new Conv2d(1, 8, 3, { padding: 1 });
  act = new ReLU();
  block1 = new BasicBlock(8, 8, 1);
  block2 = new BasicBlock(8, 16, 2);
  fc = new Linear(16, 10);

  forward(x: Tensor): Tensor {
    const h = this.block2.forward(this.block1.forward(this.act.forward(this.stem.forward(x))));
    return this.fc.forward(h.mean([2, 3]));
  }
}

/** An LSTM over [N, T, 5] sequences with a linear head on the last step: { logits, hidden: [h, c] }. */
export class LstmClassifier extends Module {
  lstm = new LSTM(5, 12, { numLayers: 2, batchFirst: true });
  head = new Linear(12, 3);

  forward(x: Tensor): { logits: Tensor; hidden: [Tensor, Tensor] } {
    const { output, hidden } = this.lstm.forward(x);
    const last = output.slice([0, output.shape[1]! - 1, 0], [output.shape[0]!, 1, 12]).reshape([output.shape[0]!, 12]);
    return { logits: this.head.forward(last).logSoftmax(-1), hidden };
  }
}
