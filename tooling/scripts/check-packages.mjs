#!/usr/bin/env node
// Checks every publishable package the way users meet it, after `pnpm run build`:
//   1. `pnpm pack` (which turns `workspace:^` into `^x.y.z`) into a scratch directory;
//   2. the tarball's contents: README, LICENSE, ESM + CJS + both kinds of .d.ts, and no sources or tests;
//   3. publint on the tarball (errors and warnings fail, suggestions are printed);
//   4. @arethetypeswrong/cli on the tarball, every resolution mode (node10, node16 from CJS and from ESM, bundler);
//   5. the à-la-carte install: the tarballs installed with plain npm into a project outside the workspace
//      (every @nn/* pinned to its local tarball, verified in package-lock.json), then each package and each
//      subpath is imported from an ESM file and required from a CJS file, and its smoke check is run;
//   6. each package's main entry bundled by esbuild for the browser (`--platform=browser`): any error or warning
//      fails (Node-only code belongs behind the `node` export condition or a /node subpath). The packages are
//      linked from the workspace, not installed: esbuild hides most warnings in files under node_modules/.
// Prints one table row per package and exits non-zero if anything failed.
// Usage: node tooling/scripts/check-packages.mjs [--keep] [@nn/name ...]   (--keep leaves the scratch dir)
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const isWindows = process.platform === 'win32';
const bin = (name) => join(root, 'node_modules', '.bin', isWindows ? `${name}.cmd` : name);

/**
 * What each package must do once installed, run identically from ESM (`await import`) and CJS (`require`).
 * `check` is the body of an async function of `m` (the module) and `assert` (node:assert/strict); it returns
 * a short note for the table. Before that, every entry point must export at runtime each value its .d.ts / .d.cts
 * declares, and at least one name unless its types declare none (a skeleton: "placeholder"). Guarded calls run
 * only once the exports exist.
 */
export const smokeChecks = {
  '@nn/tensor': {
    check: `
      assert.deepEqual(Array.from(m.tensor([1, 2]).add(1).dataSync()), [2, 3]);
      assert.deepEqual(m.matmul(m.tensor([[1, 2]]), m.tensor([[3], [4]])).toArray(), [[11]]);
      const before = m.memory().numTensors;
      m.tidy(() => {
        m.ones([3]).mul(2);
      });
      assert.equal(m.memory().numTensors, before);
      // The engine and the kernel machinery are for backends, from their own subpath, and the same instance.
      for (const internal of ['engine', 'Engine', 'kernelHelpers', 'cpuKernels']) assert.equal(m[internal], undefined);
      const b = await load('@nn/tensor/backend');
      assert.equal(b.engine.backend(), m.getBackend().backend);
      assert.ok(b.KERNEL_NAMES.includes('MatMul'));
      return 'tensor ops, matmul, tidy; engine only in /backend';
    `,
  },
  '@nn/autograd': {
    check: `
      const t = await load('@nn/tensor');
      const [g] = m.grad((x) => x.mul(x).sum())(t.tensor([1, 2, 3]));
      assert.deepEqual(Array.from(g.dataSync()), [2, 4, 6]);
      return 'grad(x*x) = 2x';
    `,
  },
  '@nn/layers': {
    check: `
      const t = await load('@nn/tensor');
      const model = new m.Sequential(new m.Linear(2, 3), new m.ReLU(), new m.Linear(3, 1));
      assert.deepEqual(model.forward(t.ones([4, 2])).shape, [4, 1]);
      assert.deepEqual(Object.keys(model.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
      const bytes = m.serializeSafetensors(model.stateDict());
      assert.deepEqual(Object.keys(await m.loadSafetensors(bytes)).sort(), ['0.bias', '0.weight', '2.bias', '2.weight']);
      assert.deepEqual(m.deserializeModel(m.serializeModel(model)).forward(t.ones([1, 2])).shape, [1, 1]);
      // Under Node the 'node' export condition gives file paths: a model saved to a directory loads back.
      const { mkdtempSync, readdirSync } = await import('node:fs');
      const { join } = await import('node:path');
      const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'nn-smoke-'));
      await m.saveModel(model, dir);
      assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'model.safetensors']);
      const x = t.ones([1, 2]);
      assert.deepEqual((await m.loadModel(dir)).forward(x).dataSync(), model.forward(x).dataSync());
      return 'Sequential forward, safetensors and model bytes round trips, saveModel/loadModel in Node';
    `,
  },
  '@nn/onnx': {
    check: `
      const t = await load('@nn/tensor');
      const layers = await load('@nn/layers');
      const model = new layers.Sequential(new layers.Linear(3, 4), new layers.ReLU(), new layers.Linear(4, 2));
      const bytes = m.exportOnnxBytes(model, t.ones([2, 3]));
      const x = t.ones([5, 3]);
      const loaded = await m.loadOnnx(bytes);
      assert.deepEqual(Array.from(loaded.forward(x).dataSync()), Array.from(model.forward(x).dataSync()));
      // Under Node the 'node' export condition gives file paths.
      const { mkdtempSync } = await import('node:fs');
      const { join } = await import('node:path');
      const file = join(mkdtempSync(join((await import('node:os')).tmpdir(), 'nn-smoke-')), 'model.onnx');
      await m.exportOnnx(model, t.ones([1, 3]), file);
      assert.deepEqual((await m.loadOnnx(file)).forward(x).shape, [5, 2]);
      return 'exportOnnxBytes -> loadOnnx round trip, exportOnnx/loadOnnx paths in Node';
    `,
  },
  '@nn/optim': {
    check: `
      const t = await load('@nn/tensor');
      const w = t.tensor([1, -2]);
      const opt = new m.SGD([w], { lr: 0.1 });
      opt.step(() => w.square().sum()).dispose();
      assert.deepEqual(Array.from(w.dataSync()).map((v) => Math.round(v * 1e6) / 1e6), [0.8, -1.6]);
      return 'SGD step';
    `,
  },
  '@nn/data': {
    check: `
      const idx = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
      const x = m.readIdx(idx);
      assert.deepEqual(x.shape, [2, 3]);
      assert.deepEqual(Array.from(x.dataSync()), [1, 2, 3, 4, 5, 6]);
      return 'readIdx';
    `,
  },
  '@nn/backend-wasm': {
    check: `
      const t = await load('@nn/tensor');
      assert.ok(t.registeredBackends().includes('wasm'), 'importing @nn/backend-wasm registers "wasm"');
      await t.setBackend('wasm');
      assert.equal(t.getBackend().name, 'wasm');
      assert.deepEqual(t.matmul(t.tensor([[1, 2]]), t.tensor([[3], [4]])).toArray(), [[11]]);
      await t.setBackend('cpu');
      return 'registers on import, matmul on wasm';
    `,
  },
  '@nn/backend-gpu': {
    check: `
      const t = await load('@nn/tensor');
      assert.ok(t.registeredBackends().includes('gpu'), 'importing @nn/backend-gpu registers "gpu"');
      return 'registers on import';
    `,
  },
};

/** A bundle of the installed packages, as an app's bundler builds it: registration must survive sideEffects. */
const bundleEntry = `import '@nn/backend-wasm';
import '@nn/backend-gpu';
import { registeredBackends, setBackend, tensor } from '@nn/tensor';
for (const name of ['wasm', 'gpu']) {
  if (!registeredBackends().includes(name)) throw new Error('bundled @nn/backend-' + name + ' did not register: ' + registeredBackends());
}
await setBackend('wasm');
const out = tensor([[1, 2]]).matmul(tensor([[3], [4]])).toArray();
if (out[0][0] !== 11) throw new Error('bundled matmul gave ' + JSON.stringify(out));
console.log('bundle ok: ' + registeredBackends().join(','));
`;

const requiredFiles = ['package.json', 'README.md', 'LICENSE'];
const requiredPerEntry = (entry) => ['js', 'cjs', 'd.ts', 'd.cts'].map((ext) => `dist/${entry}.${ext}`);
const forbiddenFile =
  /(^|\/)(src|test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)tsconfig[^/]*\.json$|\.tgz$/;
const resolutionModes = ['node10', 'node16-cjs', 'node16-esm', 'bundler'];

/**
 * Bundles `specifier` (resolved from `resolveDir`) for the browser the way an app's bundler would, keeping every
 * export; returns esbuild's errors and warnings as text (empty when the bundle is clean).
 */
export async function browserBundleProblems(specifier, resolveDir) {
  let result;
  try {
    result = await build({
      stdin: { contents: `export * from ${JSON.stringify(specifier)};\n`, resolveDir, sourcefile: 'browser-entry.mjs' },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
    });
  } catch (failure) {
    result = failure; // a BuildFailure carries both lists
  }
  const describe = (kind) => (message) => {
    const where = message.location ? ` (${message.location.file}:${message.location.line})` : '';
    return `${kind}: ${message.text}${where}`;
  };
  return [...(result.errors ?? []).map(describe('error')), ...(result.warnings ?? []).map(describe('warning'))];
}

// ---------------------------------------------------------------------------------------------------------------

function run(command, args, { cwd = root, env = process.env, stdoutFile } = {}) {
  return new Promise((resolve) => {
    const fd = stdoutFile ? openSync(stdoutFile, 'w') : undefined;
    const child = spawn(command, args, {
      cwd,
      env,
      shell: isWindows,
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => resolve({ status: -1, output: `${output}${error.message}` }));
    child.on('close', (status) => {
      if (fd !== undefined) closeSync(fd);
      resolve({ status, output });
    });
  });
}

/** Reads a .tgz (ustar) into a map of file name -> contents, names relative to the tarball's `package/` folder. */
export function readTarball(bytes) {
  const tar = gunzipSync(bytes);
  const files = new Map();
  let longName;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') {
      const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      files.set(name.replace(/^[^/]+\//, ''), body);
      longName = undefined;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The entry names a package exports: '.' -> 'index', './testing' -> 'testing' (./package.json excluded). */
export function exportedEntries(manifest) {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => subpath !== './package.json' && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? 'index' : subpath.slice(2)));
}

/** `declare namespace x { ... }` keeps its name and drops its body, whose exports are the namespace's, not the module's. */
function withoutNamespaceBodies(code) {
  let result = '';
  let rest = code;
  for (let match = /\bnamespace\s+[\w$.]+\s*\{/.exec(rest); match; match = /\bnamespace\s+[\w$.]+\s*\{/.exec(rest)) {
    let depth = 1;
    let index = match.index + match[0].length;
    while (depth > 0 && index < rest.length) {
      if (rest[index] === '{') depth += 1;
      else if (rest[index] === '}') depth -= 1;
      index += 1;
    }
    result += `${rest.slice(0, match.index + match[0].length)}}`;
    rest = rest.slice(index);
  }
  return result + rest;
}

/**
 * The names a bundled declaration file exports, and which of them are values (functions, classes, consts, enums)
 * that must exist at runtime. `export { }` alone means a skeleton entry that exports nothing yet.
 */
export function declaredExports(dts) {
  const code = withoutNamespaceBodies(dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''));
  const all = [];
  const values = [];
  const isValue = (local) =>
    new RegExp(`\\b(?:function|class|const|let|var|enum|namespace)\\s+${local.replace(/\$/g, '\\$')}\\b`).test(code);
  for (const [, list, from] of code.matchAll(/export\s*(?:type\s*)?\{([^}]*)\}\s*(?:from\s*['"]([^'"]+)['"])?/g)) {
    for (const item of list
      .split(',')
      .map((text) => text.trim())
      .filter(Boolean)) {
      if (item.startsWith('type ')) continue;
      const [local, exported = local] = item.split(/\s+as\s+/).map((name) => name.trim());
      all.push(exported);
      // Re-exports from another module cannot be classified here; local declarations can.
      if (!from && exported !== 'default' && isValue(local)) values.push(exported);
    }
  }
  const direct =
    /export\s+(?:declare\s+)?(?:abstract\s+)?(function|class|const|let|var|enum|type|interface)\s+([\w$]+)/g;
  for (const [, kind, name] of code.matchAll(direct)) {
    all.push(name);
    if (kind !== 'type' && kind !== 'interface') values.push(name);
  }
  return { all: [...new Set(all)], values: [...new Set(values)].sort() };
}

export function checkContents(manifest, files) {
  const problems = [];
  const expected = [...requiredFiles, ...exportedEntries(manifest).flatMap(requiredPerEntry)];
  for (const file of expected) if (!files.includes(file)) problems.push(`missing ${file}`);
  for (const file of files) if (forbiddenFile.test(file)) problems.push(`should not be published: ${file}`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|link|file|portal):/.test(spec)) problems.push(`${field}.${name} is "${spec}"`);
    }
  }
  return problems;
}

async function checkPublint(tarballBytes) {
  const tarball = tarballBytes.buffer.slice(tarballBytes.byteOffset, tarballBytes.byteOffset + tarballBytes.length);
  const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
  const format = (message) => `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`;
  return {
    problems: messages.filter((message) => message.type !== 'suggestion').map(format),
    suggestions: messages.filter((message) => message.type === 'suggestion').map(format),
  };
}

async function checkAttw(tarballPath, scratch) {
  // JSON goes to a file: attw exits before a piped stdout is flushed past 64 KiB.
  const jsonFile = `${tarballPath}.attw.json`;
  // Strict profile, no ignored rules: `cjs-resolves-to-esm` cannot fire because every entry ships real CJS.
  const { output } = await run(bin('attw'), [tarballPath, '--format', 'json', '--profile', 'strict'], {
    cwd: scratch,
    stdoutFile: jsonFile,
  });
  let report;
  try {
    report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch {
    return { problems: [`attw did not produce a report: ${output.trim()}`], modes: {} };
  }
  const problems = [];
  const modes = Object.fromEntries(resolutionModes.map((mode) => [mode, 'ok']));
  for (const [subpath, entrypoint] of Object.entries(report.analysis?.entrypoints ?? {})) {
    for (const mode of resolutionModes) {
      if (!entrypoint.resolutions?.[mode]) {
        modes[mode] = 'FAIL';
        problems.push(`${subpath}: ${mode} was not analysed`);
      }
    }
  }
  const reported = Array.isArray(report.problems) ? report.problems : Object.values(report.problems ?? {}).flat();
  for (const problem of reported) {
    const affected = problem.resolutionKind ? [problem.resolutionKind] : resolutionModes;
    for (const mode of affected) modes[mode] = 'FAIL';
    problems.push(`${problem.kind} at ${problem.entrypoint ?? '?'} (${problem.resolutionKind ?? 'all modes'})`);
  }
  if (report.analysis?.types?.kind !== 'included') problems.push('types are not included');
  return { problems, modes };
}

/** A copy of the environment without the npm_* / pnpm variables of the calling `pnpm run`. */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_)/i.test(key)) env[key] = value;
  }
  return env;
}

function smokeRunner(kind, cases) {
  const load = kind === 'esm' ? 'await import(specifier)' : 'require(specifier)';
  const header =
    kind === 'esm'
      ? `import assert from 'node:assert/strict';`
      : `'use strict';\nconst assert = require('node:assert/strict');`;
  const body = cases
    .map(
      ({ pkg, specifier, declared, check }) =>
        `  results.push(await probe(${JSON.stringify(pkg)}, ${JSON.stringify(specifier)}, ${JSON.stringify(
          declared[kind],
        )}, async (specifier) => ${load}, async (m, load) => {
${check ?? ''}
  }));`,
    )
    .join('\n');
  return `${header}
// Generated by tooling/scripts/check-packages.mjs: loads each @nn entry point as a ${kind.toUpperCase()} user would.
async function probe(pkg, specifier, declared, load, check) {
  try {
    const m = await load(specifier);
    const names = Object.keys(m).filter((name) => name !== '__esModule' && name !== 'default' && name !== 'module.exports');
    const placeholder = declared.all.length === 0;
    if (names.length === 0 && !placeholder) throw new Error(specifier + ' exports no names');
    const missing = declared.values.filter((name) => !(name in m));
    if (missing.length > 0) throw new Error(specifier + ' lacks exports its types declare: ' + missing.join(', '));
    const note = (await check(m, load)) ?? '';
    return { pkg, specifier, ok: true, names: names.length, note: names.length === 0 ? 'placeholder' : note || names.length + ' exports load' };
  } catch (error) {
    return { pkg, specifier, ok: false, error: String(error && error.stack ? error.stack : error) };
  }
}
${kind === 'esm' ? 'const results = [];' : '(async () => {\nconst results = [];'}
${body}
${kind === 'esm' ? 'console.log(JSON.stringify(results));' : 'console.log(JSON.stringify(results));\n})();'}
`;
}

async function installAndSmoke(packed, scratch) {
  const project = join(scratch, 'project');
  const specs = Object.fromEntries(
    packed.map((p) => [p.name, `file:${relative(project, p.tarball).split('\\').join('/')}`]),
  );
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      // `overrides` pins every @nn/* range inside the tarballs (e.g. "@nn/tensor": "^0.1.0") to the local tarball.
      { name: 'nn-a-la-carte', version: '0.0.0', private: true, dependencies: specs, overrides: specs },
      null,
      2,
    )}\n`,
  );
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project,
    env: cleanEnv(),
  });
  if (install.status !== 0) return { installProblems: [`npm install failed:\n${install.output}`], results: [] };

  // Verify npm took every @nn/* from a local tarball, exactly once (a nested copy would be a second engine).
  const installProblems = [];
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!/(^|\/)node_modules\/@nn\//.test(path)) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (path !== `node_modules/${name}`) installProblems.push(`nested copy of ${name} at ${path}`);
    if (!String(entry.resolved ?? '').startsWith('file:')) {
      installProblems.push(`${name} resolved from ${entry.resolved ?? 'nowhere'}, not from the local tarball`);
    }
    const expected = packed.find((p) => p.name === name);
    if (!expected) installProblems.push(`${name} is not one of the packed packages`);
    else if (entry.version !== expected.version)
      installProblems.push(`${name}@${entry.version} != ${expected.version}`);
  }

  const cases = packed.flatMap((p) =>
    exportedEntries(p.manifest).map((entry) => ({
      pkg: p.name,
      specifier: entry === 'index' ? p.name : `${p.name}/${entry}`,
      declared: {
        esm: declaredExports(readFileSync(join(project, 'node_modules', p.name, 'dist', `${entry}.d.ts`), 'utf8')),
        cjs: declaredExports(readFileSync(join(project, 'node_modules', p.name, 'dist', `${entry}.d.cts`), 'utf8')),
      },
      check: entry === 'index' ? smokeChecks[p.name]?.check : undefined,
    })),
  );
  writeFileSync(join(project, 'smoke.mjs'), smokeRunner('esm', cases));
  writeFileSync(join(project, 'smoke.cjs'), smokeRunner('cjs', cases));
  const results = [];
  for (const kind of ['esm', 'cjs']) {
    const { status, output } = await run(process.execPath, [`smoke.${kind === 'esm' ? 'mjs' : 'cjs'}`], {
      cwd: project,
      env: cleanEnv(),
    });
    const jsonLine = output
      .trim()
      .split('\n')
      .findLast((line) => line.startsWith('['));
    if (status !== 0 || !jsonLine) {
      installProblems.push(`${kind} smoke file crashed (exit ${status}):\n${output}`);
      continue;
    }
    for (const result of JSON.parse(jsonLine)) results.push({ ...result, kind });
  }
  if (['@nn/backend-wasm', '@nn/backend-gpu', '@nn/tensor'].every((name) => packed.some((p) => p.name === name))) {
    writeFileSync(join(project, 'bundle-entry.mjs'), bundleEntry);
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    const bundled = await run(
      esbuild,
      ['bundle-entry.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=bundle.mjs', '--log-level=error'],
      { cwd: project, env: cleanEnv() },
    );
    const ran =
      bundled.status === 0 ? await run(process.execPath, ['bundle.mjs'], { cwd: project, env: cleanEnv() }) : bundled;
    if (ran.status !== 0)
      installProblems.push(`bundling the packages with esbuild (sideEffects honoured) broke them:\n${ran.output}`);
    else
      results.push({
        pkg: '@nn/backend-wasm',
        specifier: 'esbuild bundle',
        ok: true,
        kind: 'bundle',
        note: ran.output.trim(),
      });
  }
  return { installProblems, results };
}

// ---------------------------------------------------------------------------------------------------------------

function table(rows, columns) {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(columns.map((c) => row[c])))]
    .map((text) => text.trimEnd())
    .join('\n');
}

async function main() {
  const started = Date.now();
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const only = args.filter((arg) => !arg.startsWith('--'));
  const packagesDir = join(root, 'packages');
  let packages = readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
    })
    .filter(({ manifest }) => !manifest.private)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  // Checking a few packages still packs their @nn dependencies: npm must never look for those on the registry.
  const wanted = new Set(only.length > 0 ? only : packages.map(({ manifest }) => manifest.name));
  for (const name of wanted) {
    const manifest = packages.find((p) => p.manifest.name === name)?.manifest;
    for (const dep of Object.keys({ ...manifest?.dependencies, ...manifest?.peerDependencies })) {
      if (dep.startsWith('@nn/')) wanted.add(dep);
    }
  }
  packages = packages.filter(({ manifest }) => wanted.has(manifest.name));
  if (packages.length === 0) {
    console.error('check-packages: no publishable package matched');
    process.exit(1);
  }
  for (const { manifest } of packages) {
    if (!(manifest.name in smokeChecks)) console.log(`note: ${manifest.name} has no entry in smokeChecks`);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'nn-check-packages-'));
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  mkdirSync(join(scratch, 'project'));
  console.log(`check-packages: ${packages.length} packages, scratch dir ${scratch}`);

  // 1. pack, in parallel.
  const packed = await Promise.all(
    packages.map(async ({ dir, manifest }) => {
      const { status, output } = await run(bin('pnpm'), ['pack', '--json', '--pack-destination', tarballs], {
        cwd: dir,
      });
      const result = { name: manifest.name, version: manifest.version, dir, manifest, problems: {} };
      if (!existsSync(join(dir, 'dist'))) return { ...result, packError: 'no dist/: run `pnpm run build` first' };
      const json = output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
      if (status !== 0 || !json) return { ...result, packError: output.trim() || `pnpm pack exited ${status}` };
      return { ...result, tarball: JSON.parse(json).filename };
    }),
  );

  // 2-4. contents, publint and attw per tarball, in parallel with 5. the npm install.
  const ok = packed.filter((p) => p.tarball);
  const perPackage = Promise.all(
    ok.map(async (p) => {
      const bytes = readFileSync(p.tarball);
      const contents = readTarball(bytes);
      p.files = [...contents.keys()].sort();
      const packedManifest = JSON.parse(contents.get('package.json')?.toString('utf8') ?? '{}');
      p.problems.files = checkContents(packedManifest, p.files);
      const [lint, types] = await Promise.all([checkPublint(bytes), checkAttw(p.tarball, scratch)]);
      p.problems.publint = lint.problems;
      p.suggestions = lint.suggestions;
      p.problems.attw = types.problems;
      p.modes = types.modes;
    }),
  );
  const [, install] = await Promise.all([
    perPackage,
    ok.length === packed.length ? installAndSmoke(ok, scratch) : null,
  ]);

  // 6. browser bundles of the packages' main entries, from the workspace (see the note at the top).
  const browserDir = join(scratch, 'browser');
  mkdirSync(join(browserDir, 'node_modules', '@nn'), { recursive: true });
  for (const p of packed) symlinkSync(p.dir, join(browserDir, 'node_modules', p.name), 'junction');
  for (const p of ok) p.problems.browser = await browserBundleProblems(p.name, browserDir);

  // Report.
  const rows = packed.map((p) => {
    const smoke = (kind) => {
      if (!install) return 'skipped';
      const mine = install.results.filter((r) => r.pkg === p.name && r.kind === kind);
      if (mine.length === 0) return 'FAIL';
      if (mine.some((r) => !r.ok)) return 'FAIL';
      return mine.every((r) => r.note === 'placeholder') ? 'placeholder' : 'ok';
    };
    const cell = (list) => (list === undefined ? 'skipped' : list.length === 0 ? 'ok' : 'FAIL');
    const note = install?.results.find((r) => r.pkg === p.name && r.kind === 'esm' && r.specifier === p.name)?.note;
    return {
      package: `${p.name}@${p.version}`,
      pack: p.packError ? 'FAIL' : `${p.files?.length ?? '?'} files`,
      contents: cell(p.problems.files),
      publint: cell(p.problems.publint),
      attw: p.modes ? resolutionModes.map((mode) => `${mode}:${p.modes[mode]}`).join(' ') : 'skipped',
      esm: smoke('esm'),
      cjs: smoke('cjs'),
      browser: cell(p.problems.browser),
      smoke: note || '',
    };
  });
  console.log(
    `\n${table(rows, ['package', 'pack', 'contents', 'publint', 'attw', 'esm', 'cjs', 'browser', 'smoke'])}\n`,
  );
  for (const r of install?.results.filter((result) => result.kind === 'bundle') ?? [])
    console.log(`esbuild bundle: ${r.note}`);

  const failures = [];
  for (const p of packed) {
    if (p.packError) failures.push(`${p.name}: pnpm pack failed:\n${p.packError}`);
    for (const [step, list] of Object.entries(p.problems))
      for (const text of list) failures.push(`${p.name} ${step}: ${text}`);
    for (const text of p.suggestions ?? []) console.log(`${p.name} publint ${text}`);
  }
  if (!install) failures.push('npm install skipped: some packages did not pack');
  else {
    for (const text of install.installProblems) failures.push(`install: ${text}`);
    for (const r of install.results.filter((result) => !result.ok))
      failures.push(`${r.kind} ${r.specifier}: ${r.error}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length > 0) {
    console.error(`check-packages: ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    console.error(`scratch dir kept for inspection: ${scratch}`);
    console.error(`check-packages FAILED in ${seconds}s`);
    process.exit(1);
  }
  if (!keep) rmSync(scratch, { recursive: true, force: true });
  console.log(
    `check-packages: all ${packed.length} packages passed pack, contents, publint, attw (${resolutionModes.join(', ')}),` +
      ` npm install from tarballs, ESM import, CJS require and browser bundle in ${seconds}s`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
