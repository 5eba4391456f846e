#!/usr/bin/env node
// The 0.2 pointwise kernels on the wasm backend: gelu (SIMD) against the same values composed from 0.1 ops, and
// against the cpu backend; sort and cumsum against the cpu backend; interleaved (bench/pointwise-entry.ts).
// Usage: node bench/pointwise.mjs [--reps=9]
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('pointwise');
