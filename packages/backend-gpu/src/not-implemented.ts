/**
 * Everything backend-gpu leaves to the reference CPU kernels, in one list (the backend's `notImplemented`): a whole
 * kernel, or the attribute values of one its shaders do not take. Each entry says why. The engine runs a listed
 * kernel's calls on the CPU kernels and records them as fallbacks; the conformance suite fails any fallback that is
 * not listed here, and `checkKernelMap` fails a kernel that is neither in the map nor listed.
 * In webgpu mode a fallback cannot read an input computed on the device (no synchronous readback: a StateError),
 * so a model that calls one of these there must give it uploaded inputs.
 */
import type { NotImplemented } from '@nn/tensor/backend';

/** What backend-gpu does not compute itself, one entry per kernel (or attribute values of one), with the reason. */
export const GPU_NOT_IMPLEMENTED: readonly NotImplemented[] = [
  // The device stores int32 as float32: exact to 2^24 and never wrapping, while int32 running sums must wrap.
  { kernel: 'Cumsum', dtypes: ['int32'] },
  // The fused LSTM cell (engineer l2-lstm): elementwise, a native shader is straightforward after the migration.
  'LSTMCell',
  'LSTMCellBackward',
  'TopK', // a per-row sort: gpu.js kernels gather and cannot scatter, so sorting has no cheap form here
];
