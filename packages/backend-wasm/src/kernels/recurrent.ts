/** The fused LSTM cell and its backward in wasm (assembly/recurrent.ts); float32 only, one thread (small rows). */
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';

const lstmCell: KernelFn<'LSTMCell'> = ({ inputs: { gates, c }, outputs: [y], backend: base }) => {
  const backend = base as WasmBackend;
  const [n, h] = c.shape as [number, number];
  const { info, data } = backend.output(y.shape, y.dtype);
  backend.exports.lstmCell(backend.ptr(gates), backend.ptr(c), data.ptr, n, h);
  return info;
};

const lstmCellBackward: KernelFn<'LSTMCellBackward'> = ({
  inputs: { dy, gates, c },
  outputs: [dGatesMeta, dcMeta],
  backend: base,
}) => {
  const backend = base as WasmBackend;
  const [n, h] = c.shape as [number, number];
  const dGates = backend.output(dGatesMeta.shape, dGatesMeta.dtype);
  const dc = backend.output(dcMeta.shape, dcMeta.dtype);
  const [dyPtr, gPtr, cPtr] = [backend.ptr(dy), backend.ptr(gates), backend.ptr(c)];
  backend.exports.lstmCellBackward(dyPtr, gPtr, cPtr, dGates.data.ptr, dc.data.ptr, n, h);
  return [dGates.info, dc.info] as const;
};

export const recurrentKernels = { LSTMCell: lstmCell, LSTMCellBackward: lstmCellBackward };
