/** Ready-made networks, built from the layers of this package. */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from './layers';

/**
 * LeNet-5 for 28x28 single-channel images (MNIST) with ReLU and max-pooling, as it is usually trained today:
 * conv 1->6 5x5 (padding 2), pool, conv 6->16 5x5, pool, then 400 -> 120 -> 84 -> 10 logits. Parameter names
 * match PyTorch's `nn.Sequential` of the same layers (`0.weight`, `3.weight`, `7.weight`, ...).
 * @example
 * import { fit, lenet5 } from '@nn/layers';
 * const model = lenet5(); // model.forward(x [N, 1, 28, 28]) -> logits [N, 10]
 */
export function lenet5(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(400, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, 10),
  );
}
