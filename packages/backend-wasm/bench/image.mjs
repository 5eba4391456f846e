#!/usr/bin/env node
// The 0.2 image ops (convTranspose2d, grouped/depthwise/dilated conv2d, interpolate, adaptiveAvgPool2d), forward +
// backward on the wasm backend against the reference CPU backend (bench/image-entry.ts; see bench/bundle-run.mjs).
// Usage: node bench/image.mjs [--threads=1] [--reps=5]
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('image');
