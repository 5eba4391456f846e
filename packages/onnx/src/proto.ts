/**
 * The ONNX protobuf messages, encoded and decoded by protobufjs from the official schema (proto/onnx.proto of
 * ONNX 1.12, turned into src/proto/onnx.json by scripts/generate-proto.mjs). The interfaces below name the
 * fields this package reads or writes; decoding keeps every other field, so nothing is lost silently.
 */
import protobuf from 'protobufjs/light.js';
import descriptor from './proto/onnx.json';

/** ONNX TensorProto.DataType values this package knows. */
export const ONNX_FLOAT = 1;
export const ONNX_UINT8 = 2;
export const ONNX_INT8 = 3;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;
export const ONNX_DOUBLE = 11;

/** AttributeProto.AttributeType values. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** protobufjs gives 64-bit integers as numbers or as Long-like objects (when a value passes 2^53). */
export type Int64 = number | { low: number; high: number; unsigned?: boolean };

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  raw_data?: Uint8Array;
  name?: string;
  data_location?: number;
  external_data?: unknown[];
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: Int64[];
  g?: unknown;
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface DimensionProto {
  dim_value?: Int64;
  dim_param?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimensionProto[] } } };
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: { domain?: string; version?: Int64 }[];
  producer_name?: string;
  producer_version?: string;
  graph?: GraphProto;
}

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const Model = root.lookupType('onnx.ModelProto');

/** The bytes of `model` (protobufjs checks every field against the schema first). */
export function encodeModel(model: ModelProto): Uint8Array {
  const problem = Model.verify(model);
  if (problem !== null) throw new Error(`ONNX ModelProto: ${problem}`);
  return Model.encode(Model.fromObject(model)).finish();
}

/** Decodes a ModelProto; protobufjs throws on truncated or malformed input (the caller turns that into FormatError). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const message = Model.decode(bytes);
  return Model.toObject(message, { longs: Number, bytes: Uint8Array, defaults: false, arrays: true }) as ModelProto;
}

/** A 64-bit integer from protobufjs as a JS number (exact below 2^53, which every size this package accepts is). */
export function int64(value: Int64 | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  return value.high * 4294967296 + (value.low >>> 0);
}
