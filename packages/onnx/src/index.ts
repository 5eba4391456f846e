/**
 * @nn/onnx: export `@nn` models to ONNX (`exportOnnx`, `exportOnnxBytes`) and run ONNX models as `@nn` modules
 * (`loadOnnx`), both checked against ONNX Runtime.
 * @example
 * import { exportOnnx } from '@nn/onnx';
 * await exportOnnx(model, randn([1, 1, 28, 28]), 'lenet.onnx');
 */
export { type ExportOnnxOptions, exportOnnx, exportOnnxBytes } from './export';
export { loadOnnx } from './load';
export { OnnxModel } from './onnx-model';
