#!/usr/bin/env node
// Decompression bombs (and two ordinary images) against @nn/data's decodeImageHost: for each file, its size, the
// outcome, and what decoding cost in a fresh process: CPU time of the first decode (which includes compiling
// the decoder) and the best of two more, and the peak resident memory of the first decode above the process's
// baseline (getrusage maxRSS). The sources are bundled with esbuild first, so no build is needed.
// Usage: node packages/data/bench/bombs.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, self, mode, bundle, file] = process.argv;

if (mode === '--child') {
  const { decodeImageHost } = await import(bundle);
  const bytes = readFileSync(file);
  const baseline = process.memoryUsage().rss;
  const decodeOnce = () => {
    const cpu = process.cpuUsage();
    let outcome;
    try {
      outcome = `decoded [${decodeImageHost(bytes).shape}]`;
    } catch (error) {
      outcome = `${error.constructor.name}: ${error.message.replace(/^imageToTensor\(bytes\): /, '').slice(0, 90)}`;
    }
    const used = process.cpuUsage(cpu);
    return { outcome, cpu: (used.user + used.system) / 1000 };
  };
  const first = decodeOnce(); // the first call also compiles the decoder (JIT)
  const peak = process.resourceUsage().maxRSS * 1024 - baseline;
  const warm = Math.min(decodeOnce().cpu, decodeOnce().cpu);
  console.log(JSON.stringify({ first: first.cpu, warm, peakMB: peak / 2 ** 20, outcome: first.outcome }));
  process.exit(0);
}

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const root = join(packageDir, '..', '..');
const require = createRequire(join(packageDir, 'package.json'));
const { encode: encodeJpeg } = require('jpeg-js');
const { zlibSync } = require('fflate');

const out = mkdtempSync(join(tmpdir(), 'nn-bombs-'));
const bundled = join(out, 'data.mjs');
execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [
  join(packageDir, 'src', 'index.ts'),
  '--bundle',
  '--platform=node',
  '--format=esm',
  `--outfile=${bundled}`,
  '--log-level=warning',
  `--alias:@nn/tensor=${join(root, 'packages', 'tensor', 'src', 'index.ts')}`,
]);

function jpeg(width, height, pixel, quality = 90) {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = pixel(i);
  return new Uint8Array(encodeJpeg({ width, height, data: rgba }, quality).data);
}

function withJpegSize(bytes, width, height) {
  for (let at = 2; at < bytes.length; ) {
    if (bytes[at + 1] === 0xc0) {
      bytes.set([height >> 8, height & 255, width >> 8, width & 255], at + 5);
      return bytes;
    }
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  throw new Error('no SOF0');
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function chunk(type, data) {
  const bytes = Buffer.alloc(12 + data.length);
  bytes.writeUInt32BE(data.length, 0);
  bytes.write(type, 4, 'latin1');
  bytes.set(data, 8);
  let c = 0xffffffff;
  for (const b of bytes.subarray(4, 8 + data.length)) c = crcTable[(c ^ b) & 255] ^ (c >>> 8);
  bytes.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return bytes;
}
function png(width, height, depth, colorType, ...chunks) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, colorType, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), ...chunks, chunk('IEND', Buffer.alloc(0))]);
}
const zeros = (n) => zlibSync(new Uint8Array(n), { level: 9 });
const noisyRows = (width, height, channels) => {
  const rows = new Uint8Array(height * (1 + width * channels));
  for (let i = 0; i < rows.length; i++) rows[i] = i % (1 + width * channels) === 0 ? 0 : (i * 7919) % 251;
  return rows;
};

const cases = [
  [
    'JPEG 16x16 claiming 7000x7000',
    withJpegSize(
      jpeg(16, 16, (i) => (i * 37) & 255),
      7000,
      7000,
    ),
  ],
  ['JPEG valid 2000x2000, one grey', jpeg(2000, 2000, () => 128, 50)],
  ['JPEG valid 640x480, noisy', jpeg(640, 480, (i) => (i * 7919) % 251, 90)],
  // The costliest images a small input may decode to by default (estimate just under 32 MiB).
  ['JPEG valid 770x770, one grey (at the limit)', jpeg(770, 770, () => 128, 50)],
  ['PNG valid 2180x2180 grey, zeros (at the limit)', png(2180, 2180, 8, 0, chunk('IDAT', zeros(2180 * 2181)))],
  ['PNG 7000x7000 RGBA16 IHDR, tiny data', png(7000, 7000, 16, 6, chunk('IDAT', zeros(16 * 17)))],
  ['PNG valid 7000x7000 grey, zeros', png(7000, 7000, 8, 0, chunk('IDAT', zeros(7000 * 7001)))],
  ['PNG 1x1, IDAT inflating to 200 MB', png(1, 1, 8, 0, chunk('IDAT', zeros(200 * 2 ** 20)))],
  [
    'PNG 1x1, iCCP inflating to 500 MB',
    png(
      1,
      1,
      8,
      0,
      chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0'), zeros(500 * 2 ** 20)])),
      chunk('IDAT', zeros(2)),
    ),
  ],
  ['PNG valid 640x480 RGB, noisy', png(640, 480, 8, 2, chunk('IDAT', zlibSync(noisyRows(640, 480, 3))))],
];

console.log('| input | bytes | outcome | CPU ms, first | CPU ms, warm | peak RSS above baseline |');
console.log('|---|---:|---|---:|---:|---:|');
cases.forEach(([name, bytes], i) => {
  const path = join(out, `case-${i}`);
  writeFileSync(path, bytes);
  const child = spawnSync(process.execPath, [self, '--child', bundled, path], { encoding: 'utf8' });
  if (child.status !== 0) {
    console.log(`| ${name} | ${bytes.length} | child exited ${child.status}: ${child.stderr.slice(-200)} | | | |`);
    return;
  }
  const r = JSON.parse(child.stdout);
  console.log(
    `| ${name} | ${bytes.length} | ${r.outcome} | ${r.first.toFixed(0)} | ${r.warm.toFixed(0)} | ${r.peakMB.toFixed(0)} MB |`,
  );
});
