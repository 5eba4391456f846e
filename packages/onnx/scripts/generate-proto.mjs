#!/usr/bin/env node
// Regenerates src/proto/onnx.json (a protobufjs JSON descriptor) from proto/onnx.proto, the official schema as
// shipped by ONNX 1.12 (Debian's python3-onnx, /usr/lib/python3/dist-packages/onnx/onnx.proto; IR version 8,
// opsets up to 17). The runtime loads the descriptor with protobufjs/light, so no .proto parser ships.
// Usage: node scripts/generate-proto.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));
const source = readFileSync(join(here, '..', 'proto', 'onnx.proto'), 'utf8');
const { root } = protobuf.parse(source, { keepCase: true });
writeFileSync(join(here, '..', 'src', 'proto', 'onnx.json'), `${JSON.stringify(root.toJSON(), null, 1)}\n`);
