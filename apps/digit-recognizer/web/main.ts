/**
 * The draw-a-digit page: a canvas you draw on (mouse, pen or touch) or drop an image onto; every stroke
 * runs LeNet-5 in the browser on the model the server trained, and the ten probabilities update live.
 */
import { decodeImage, imageDataToTensor } from '@nn/data';
import { deserializeModel, type Sequential } from '@nn/layers';
import { getBackend, ready, registeredBackends, setBackend } from '@nn/tensor';
import { recognise } from '../src/model';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pad = $<HTMLCanvasElement>('pad');
const preview = $<HTMLCanvasElement>('preview');
const status = $<HTMLParagraphElement>('status');
const backendSelect = $<HTMLSelectElement>('backend');
const ink = pad.getContext('2d', { willReadFrequently: true })!;
let model: Sequential | null = null;
let pending = false;
let hasInk = false;

function clearPad(): void {
  ink.fillStyle = '#fff';
  ink.fillRect(0, 0, pad.width, pad.height);
  hasInk = false;
  showProbabilities(null);
}

function showProbabilities(probabilities: number[] | null): void {
  const list = $<HTMLOListElement>('probabilities');
  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  $('prediction').textContent = probabilities ? String(best) : '?';
  list.replaceChildren(
    ...Array.from({ length: 10 }, (_, digit) => {
      const p = probabilities?.[digit] ?? 0;
      const item = document.createElement('li');
      item.className = digit === best ? 'top' : '';
      item.dataset.digit = String(digit);
      item.innerHTML = `<span>${digit}</span><div class="bar" style="width:${(p * 100).toFixed(1)}%"></div><span>${(p * 100).toFixed(1)}%</span>`;
      return item;
    }),
  );
}

function showInput(pixels: Float32Array): void {
  const ctx = preview.getContext('2d')!;
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(pixels[i]! * 255);
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/** Predicts from the canvas, at most one prediction in flight (strokes arrive faster than inference). */
async function predictPad(): Promise<void> {
  if (!model || !hasInk || pending) return;
  pending = true;
  try {
    const image = imageDataToTensor(ink.getImageData(0, 0, pad.width, pad.height));
    const result = await recognise(model, image);
    image.dispose();
    showProbabilities(result.probabilities);
    showInput(result.input);
    status.textContent = `Recognised a ${result.digit}.`;
  } finally {
    pending = false;
  }
}

async function predictFile(file: File): Promise<void> {
  if (!model) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const image = decodeImage(bytes, { name: file.name });
    const result = await recognise(model, image);
    image.dispose();
    // Show the uploaded image on the pad too, scaled to fit.
    const bitmap = await createImageBitmap(file);
    clearPad();
    const scale = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
    ink.drawImage(bitmap, 0, 0, bitmap.width * scale, bitmap.height * scale);
    showProbabilities(result.probabilities);
    showInput(result.input);
    status.textContent = `${file.name}: recognised a ${result.digit}.`;
  } catch (error) {
    status.textContent = `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function setUpDrawing(): void {
  let drawing = false;
  let last: { x: number; y: number } | null = null;
  const point = (event: PointerEvent) => {
    const rect = pad.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * pad.width) / rect.width,
      y: ((event.clientY - rect.top) * pad.height) / rect.height,
    };
  };
  pad.addEventListener('pointerdown', (event) => {
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    last = point(event);
  });
  pad.addEventListener('pointermove', (event) => {
    if (!drawing || !last) return;
    const next = point(event);
    ink.strokeStyle = '#000';
    ink.lineWidth = 20;
    ink.lineCap = 'round';
    ink.lineJoin = 'round';
    ink.beginPath();
    ink.moveTo(last.x, last.y);
    ink.lineTo(next.x, next.y);
    ink.stroke();
    last = next;
    hasInk = true;
    void predictPad();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    last = null;
    // A final prediction once the stroke is complete (the live ones may have been skipped).
    setTimeout(() => void predictPad(), 0);
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  $('clear').addEventListener('click', clearPad);
  $<HTMLInputElement>('file').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void predictFile(file);
  });
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void predictFile(file);
  });
}

async function setUpBackends(): Promise<void> {
  // Both backends are optional: whatever loads is offered, and the fastest one that starts is picked.
  for (const load of [() => import('@nn/backend-wasm'), () => import('@nn/backend-gpu')]) {
    try {
      await load();
    } catch (error) {
      console.warn('backend unavailable', error);
    }
  }
  await ready();
  const names = registeredBackends();
  backendSelect.replaceChildren(...names.map((name) => new Option(name, name)));
  const show = () => {
    $('backend-name').textContent = getBackend().name;
    backendSelect.value = getBackend().name;
  };
  backendSelect.addEventListener('change', async () => {
    try {
      await setBackend(backendSelect.value);
      status.textContent = `Switched to the ${getBackend().name} backend.`;
    } catch (error) {
      status.textContent = `Backend ${backendSelect.value} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    show();
    await predictPad();
  });
  show();
}

async function loadTrainedModel(): Promise<Sequential> {
  // model.safetensors alone is the model (weights and architecture), so one fetch always sees one whole save.
  const response = await fetch('../model/model.safetensors');
  if (!response.ok) throw new Error('the server has no trained model yet: run the demo first');
  const trained = deserializeModel(new Uint8Array(await response.arrayBuffer())) as Sequential;
  trained.eval();
  return trained;
}

clearPad();
setUpDrawing();
await setUpBackends();
try {
  model = await loadTrainedModel();
  status.textContent = 'Model loaded. Draw a digit.';
  document.body.dataset.ready = 'true';
} catch (error) {
  status.textContent = error instanceof Error ? error.message : String(error);
}
