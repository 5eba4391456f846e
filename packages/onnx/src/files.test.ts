import { Linear } from '@nn/layers';
import { randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export';
import { setOnnxFiles } from './files';
import { loadOnnx } from './load';

describe('paths without a file system (the main entry outside Node)', () => {
  it('are a StateError pointing at the byte API', async () => {
    const previous = setOnnxFiles(undefined);
    try {
      await expect(loadOnnx('model.onnx')).rejects.toThrow(
        "loadOnnx: file paths need Node.js (the 'node' export condition of @nn/onnx); in the browser use bytes",
      );
      await expect(exportOnnx(new Linear(2, 1), randn([1, 2]), 'model.onnx')).rejects.toThrow(
        'exportOnnx: file paths need Node.js',
      );
    } finally {
      setOnnxFiles(previous);
    }
  });
});
