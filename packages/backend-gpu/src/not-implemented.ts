/**
 * The kernels backend-gpu leaves to the reference CPU kernels (their calls run on the host and are reported; the
 * conformance suite fails any fallback that is not listed here). One line per kernel, with the reason.
 */
import type { NotImplemented } from '@nn/tensor/backend';

export const GPU_NOT_IMPLEMENTED: readonly NotImplemented[] = [
  // The 0.2 unary kernels and Cumsum belong in this backend's unary and reduce family files, which move to the
  // spec seam first (the backend-gpu migration of issue 15).
  'Softplus',
  'Sign',
  'Floor',
  'Ceil',
  'Round',
  'Sin',
  'Cos',
  'Erf',
  'Log1p',
  'Expm1',
  'Reciprocal',
  'Rsqrt',
  'Gelu',
  'Silu',
  'Elu',
  'Cumsum', // also sequential along its axis: one gpu.js thread per row would do all the work
  'TopK', // a per-row sort: gpu.js kernels gather and cannot scatter, so sorting has no cheap form here
];
