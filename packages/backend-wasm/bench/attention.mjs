#!/usr/bin/env node
// Fused scaledDotProductAttention and layerNorm, forward + backward through grad, against the same computation
// composed from matmul/softmax (mean/sqrt) ops, on the wasm backend (bench/attention-entry.ts; see
// bench/bundle-run.mjs). Prints the median CPU time of each and the ratio.
// Usage: node bench/attention.mjs [--threads=1] [--reps=9]
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('attention');
