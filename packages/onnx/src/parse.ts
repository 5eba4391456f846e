/**
 * Reading an ONNX model, bounded: protobufjs decodes the bytes (a truncated message or a length running past the
 * end is an error there, before anything is allocated for it), then every tensor's claimed size is checked against
 * the data it carries, and the graph against itself (each node's inputs defined before it). Every problem is a
 * FormatError.
 */
import { type DType, FormatError, fmtShape } from '@nn/tensor';
import { dtypeOfOnnx } from './dtypes';
import {
  ATTR,
  type AttributeProto,
  decodeModel,
  type GraphProto,
  int64,
  type ModelProto,
  type NodeProto,
  ONNX_BOOL,
  ONNX_DOUBLE,
  ONNX_FLOAT,
  ONNX_INT32,
  ONNX_INT64,
  type TensorProto,
} from './proto';

/** The largest tensor loadOnnx accepts, in elements (2^31 - 1: an index @nn can hold). */
const MAX_ELEMENTS = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A tensor's values as @nn will hold them (int64 and bool as int32; int64 clamped to the int32 range). */
export interface HostTensor {
  shape: number[];
  dtype: DType;
  values: Float32Array | Float64Array | Int32Array;
}

export interface ParsedModel {
  opset: number;
  graph: GraphProto & { node: NodeProto[] };
}

const BYTES: Record<number, number> = {
  [ONNX_FLOAT]: 4,
  [ONNX_DOUBLE]: 8,
  [ONNX_INT32]: 4,
  [ONNX_INT64]: 8,
  [ONNX_BOOL]: 1,
};

/** Decodes and checks the model's structure (not its operators: see `checkOperators`). */
export function parseModel(bytes: Uint8Array): ParsedModel {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new FormatError(`loadOnnx: not a valid ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (graph === undefined || (graph.node ?? []).length === 0) throw new FormatError('loadOnnx: the model has no graph');
  const onnxOpset = (model.opset_import ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const opset = int64(onnxOpset?.version);
  if (opset < 13 || opset > 17) {
    throw new FormatError(`loadOnnx: opset ${opset || '(none)'} is not supported; @nn reads opsets 13 to 17`);
  }
  const checked = { ...graph, node: graph.node ?? [] };
  checkGraph(checked);
  return { opset, graph: checked };
}

/** Every value a node reads is a graph input, an initializer or an earlier node's output. */
function checkGraph(graph: GraphProto & { node: NodeProto[] }): void {
  const defined = new Set<string>(['']);
  for (const v of graph.input ?? []) defined.add(v.name ?? '');
  for (const t of graph.initializer ?? []) defined.add(t.name ?? '');
  graph.node.forEach((node, i) => {
    for (const name of node.input ?? []) {
      if (!defined.has(name)) {
        throw new FormatError(`loadOnnx: node ${i} (${node.op_type}) reads '${name}', which nothing before it defines`);
      }
    }
    for (const name of node.output ?? []) defined.add(name);
  });
  for (const v of graph.output ?? []) {
    if (!defined.has(v.name ?? '')) throw new FormatError(`loadOnnx: graph output '${v.name}' is never computed`);
  }
}

/** The values of a TensorProto, after checking its claimed shape against the data it carries. */
export function readTensor(t: TensorProto, what: string): HostTensor {
  if ((t.external_data ?? []).length > 0 || t.data_location === 1) {
    throw new FormatError(`loadOnnx: ${what} keeps its data in an external file, which loadOnnx does not read`);
  }
  const type = t.data_type ?? 0;
  const dtype = dtypeOfOnnx(type, what);
  const shape = (t.dims ?? []).map(int64);
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FormatError(`loadOnnx: ${what} has dimension ${d}`);
    size *= d;
    if (size > MAX_ELEMENTS) throw new FormatError(`loadOnnx: ${what} claims ${fmtShape(shape)}, too large`);
  }
  const raw = t.raw_data;
  const typed =
    type === ONNX_FLOAT
      ? t.float_data
      : type === ONNX_DOUBLE
        ? t.double_data
        : type === ONNX_INT64
          ? t.int64_data
          : t.int32_data;
  const given = raw !== undefined && raw.length > 0 ? raw.length / BYTES[type]! : (typed ?? []).length;
  if (given !== size) {
    throw new FormatError(`loadOnnx: ${what} claims ${fmtShape(shape)} (${size} values) but carries ${given}`);
  }
  const values =
    dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : new Int32Array(size);
  if (raw !== undefined && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < size; i++) values[i] = readRaw(view, type, i);
  } else {
    (typed ?? []).forEach((v, i) => {
      values[i] = type === ONNX_INT64 ? clampInt32(int64(v)) : (v as number);
    });
  }
  return { shape, dtype, values };
}

function readRaw(view: DataView, type: number, i: number): number {
  switch (type) {
    case ONNX_FLOAT:
      return view.getFloat32(i * 4, true);
    case ONNX_DOUBLE:
      return view.getFloat64(i * 8, true);
    case ONNX_INT64:
      return clampInt32(Number(view.getBigInt64(i * 8, true)));
    case ONNX_BOOL:
      return view.getUint8(i);
    default:
      return view.getInt32(i * 4, true);
  }
}

/** int64 values as int32: the "to the end" sentinels (INT64_MAX) of Slice become INT32_MAX, which means the same. */
function clampInt32(v: number): number {
  return Math.min(INT32_MAX, Math.max(INT32_MIN, v));
}

/** A node's attributes by name, read as ints, floats, int lists, a tensor or a string. */
export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(
    readonly node: NodeProto,
    readonly index: number,
  ) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a === undefined ? fallback : clampInt32(int64(a.i));
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a === undefined ? fallback : (a.f ?? 0);
  }

  ints(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a === undefined ? undefined : (a.ints ?? []).map((v) => clampInt32(int64(v)));
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a?.s === undefined ? fallback : new TextDecoder().decode(a.s);
  }

  tensor(name: string): TensorProto | undefined {
    const a = this.byName.get(name);
    return a?.type === ATTR.TENSOR ? a.t : undefined;
  }

  /** A FormatError about this node. */
  error(message: string): FormatError {
    const name = this.node.name ? ` '${this.node.name}'` : '';
    return new FormatError(`loadOnnx: node ${this.index} (${this.node.op_type}${name}): ${message}`);
  }
}
