#!/usr/bin/env node
// Convolution GFLOP/s on the wasm backend, direct loops against im2col + GEMM, interleaved, for LeNet's layers
// and two wider ones (bench/conv-entry.ts; see bench/bundle-run.mjs).
// Usage: node bench/conv.mjs [--threads=1] [--reps=15]
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('conv');
