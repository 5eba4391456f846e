/** `loadOnnx`: an ONNX model file (or its bytes) as an @nn Module. */
import { FormatError } from '@nn/tensor';
import { onnxFiles } from './files';
import { OnnxModel, unsupportedOperators } from './onnx-model';
import { parseModel } from './parse';

/**
 * Parses an ONNX model (opset 13 to 17), checks every operator before anything runs (one FormatError lists each
 * unsupported one), and returns it as an `OnnxModel` running on the active backend. A path needs Node.
 * @example const model = await loadOnnx('lenet.onnx'); const logits = model.forward(images);
 */
export async function loadOnnx(pathOrBytes: string | Uint8Array): Promise<OnnxModel> {
  const bytes = typeof pathOrBytes === 'string' ? await onnxFiles('loadOnnx').read(pathOrBytes) : pathOrBytes;
  if (!(bytes instanceof Uint8Array)) throw new FormatError('loadOnnx: expected a path or a Uint8Array');
  const model = parseModel(bytes);
  const unsupported = unsupportedOperators(model);
  if (unsupported.length > 0) {
    throw new FormatError(`loadOnnx: unsupported operators: ${unsupported.join('; ')}`);
  }
  return new OnnxModel(model);
}
