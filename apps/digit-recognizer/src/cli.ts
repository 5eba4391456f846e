/**
 * The digit recognizer's command line.
 *   demo [--no-serve] [--retrain] [--port N]   train (unless an up-to-date model exists), report, serve the page
 *   train [--epochs N] [--lr X] [--lr-decay X] [--no-augment] [--subset N] [--out DIR]  train, write model + report
 *     (--lr is the one-cycle peak; --lr-decay X switches to StepLR, x X per epoch)
 *   predict <image>...                          print the digit and the top-3 probabilities of each image
 *   serve [--port N]                            serve the page and the model on 127.0.0.1
 *   export --onnx [--out FILE]                  write the model as ONNX (default: model.onnx in the model dir)
 * Common: --backend cpu|wasm (default: the fastest present), --model DIR.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageToTensor } from '@nn/data';
import { loadModel, type Sequential } from '@nn/layers';
import { exportOnnx } from '@nn/onnx';
import { getBackend, ready, setBackend, zeros } from '@nn/tensor';
import { recognise, topK } from './model';
import { serve } from './server';
import { DEFAULT_SETTINGS, readTrainResult, settingsHash, type TrainSettings, train } from './train';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface CliOptions {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseCli(argv: readonly string[]): CliOptions {
  const [command = 'demo', ...rest] = argv.filter((a) => a !== '--');
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = rest[i + 1];
    if (inline !== undefined) flags.set(name, inline);
    else if (
      next !== undefined &&
      !next.startsWith('--') &&
      !['no-serve', 'retrain', 'quiet', 'augment', 'no-augment', 'onnx'].includes(name)
    ) {
      flags.set(name, next);
      i++;
    } else flags.set(name, true);
  }
  return { command, positional, flags };
}

function numberFlag(options: CliOptions, name: string, fallback: number): number {
  const value = options.flags.get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isFinite(n) || n < 0)
    throw new Error(`--${name} needs a non-negative number, got '${String(value)}'`);
  return n;
}

/** Picks the backend: --backend if given, else the fastest one that loads here. */
async function chooseBackend(options: CliOptions): Promise<string> {
  const wanted = options.flags.get('backend');
  try {
    await import('@nn/backend-wasm');
  } catch {
    // The wasm backend is optional: without it the reference CPU backend runs everything.
  }
  if (typeof wanted === 'string') await setBackend(wanted);
  else await ready();
  return getBackend().name;
}

function settingsFrom(options: CliOptions): TrainSettings {
  return {
    ...DEFAULT_SETTINGS,
    epochs: numberFlag(options, 'epochs', DEFAULT_SETTINGS.epochs),
    batchSize: numberFlag(options, 'batch-size', DEFAULT_SETTINGS.batchSize),
    learningRate: numberFlag(options, 'lr', DEFAULT_SETTINGS.learningRate),
    seed: numberFlag(options, 'seed', DEFAULT_SETTINGS.seed),
    trainSubset: numberFlag(options, 'subset', DEFAULT_SETTINGS.trainSubset),
    testSubset: numberFlag(options, 'test-subset', DEFAULT_SETTINGS.testSubset),
    lrDecay: numberFlag(options, 'lr-decay', DEFAULT_SETTINGS.lrDecay),
    // --lr-decay asks for the step schedule (the recipe before the one-cycle default).
    schedule: options.flags.has('lr-decay') ? 'step' : DEFAULT_SETTINGS.schedule,
    augment: options.flags.has('no-augment') ? false : options.flags.has('augment') || DEFAULT_SETTINGS.augment,
  };
}

async function serveApp(modelDir: string, options: CliOptions): Promise<void> {
  const webRoot = join(appDir, 'dist-web');
  if (!existsSync(join(webRoot, 'index.html'))) {
    throw new Error(`the web page is not built (${webRoot}); run 'pnpm --filter @nn/digit-recognizer run build:web'`);
  }
  const explicit = options.flags.has('port');
  const first = numberFlag(options, 'port', 5173);
  // Without --port, step past ports already in use (another dev server on 5173 is common).
  for (let port = first; ; port++) {
    try {
      const server = await serve({ webRoot, modelDir, port });
      console.log(`\nDraw a digit at ${server.url}  (Ctrl+C to stop)`);
      return;
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || explicit || port >= first + 20) throw error;
    }
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const options = parseCli(argv);
  const modelDir = resolve(String(options.flags.get('model') ?? join(appDir, 'models', 'lenet5')));
  const verbose = !options.flags.has('quiet');
  switch (options.command) {
    case 'demo': {
      const settings = settingsFrom(options);
      const previous = await readTrainResult(modelDir);
      const hash = await settingsHash(settings);
      if (
        options.flags.has('retrain') ||
        previous?.settingsHash !== hash ||
        !existsSync(join(modelDir, 'model.json'))
      ) {
        const backend = await chooseBackend(options);
        console.log(`Backend: ${backend}`);
        await train(modelDir, settings, verbose);
      } else {
        console.log(
          `Using the model trained earlier with the same code and settings: test accuracy ${(previous.testAccuracy * 100).toFixed(2)}% (pass --retrain to train again)`,
        );
      }
      console.log(`Report: ${join(modelDir, 'report', 'index.html')}`);
      if (!options.flags.has('no-serve')) await serveApp(modelDir, options);
      return;
    }
    case 'train': {
      const backend = await chooseBackend(options);
      console.log(`Backend: ${backend}`);
      const out = resolve(String(options.flags.get('out') ?? modelDir));
      await train(out, settingsFrom(options), verbose);
      console.log(`Report: ${join(out, 'report', 'index.html')}`);
      return;
    }
    case 'predict': {
      if (options.positional.length === 0) throw new Error('predict: give one or more PNG/JPEG files');
      await chooseBackend(options);
      const model = (await loadModel(modelDir)) as Sequential;
      for (const file of options.positional) {
        const image = await imageToTensor(file);
        const { digit, probabilities } = await recognise(model, image);
        image.dispose();
        const top = topK(probabilities)
          .map((t) => `${t.digit} ${(t.probability * 100).toFixed(1)}%`)
          .join(', ');
        console.log(`${file}: ${digit}  (top 3: ${top})`);
      }
      return;
    }
    case 'serve':
      await serveApp(modelDir, options);
      return;
    case 'export': {
      if (!options.flags.has('onnx')) throw new Error('export: give the format, --onnx');
      const out = resolve(String(options.flags.get('out') ?? join(modelDir, 'model.onnx')));
      const model = (await loadModel(modelDir)) as Sequential;
      // One 28x28 grey image traces the graph; the batch axis stays dynamic.
      await exportOnnx(model, zeros([1, 1, 28, 28]), out, { inputNames: ['image'], outputNames: ['logits'] });
      console.log(`ONNX model: ${out} (input 'image' [batch, 1, 28, 28], output 'logits' [batch, 10])`);
      return;
    }
    default:
      throw new Error(`unknown command '${options.command}': use demo, train, predict, serve or export`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? `error: ${error.message}` : error);
    process.exit(1);
  });
}
