/** Builds an ONNX graph: nodes, initializers and constants, with fresh names. */
import type { DType, Tensor } from '@nn/tensor';
import { onnxTypeOf } from './dtypes';
import {
  ATTR,
  type AttributeProto,
  type NodeProto,
  ONNX_BOOL,
  ONNX_FLOAT,
  ONNX_INT32,
  ONNX_INT64,
  type TensorProto,
} from './proto';

/** An attribute value: numbers are ints unless wrapped by `float()`, arrays are ints; `{ floats }` for float lists. */
export type AttrValue = number | readonly number[] | { float: number } | { floats: readonly number[] };

export function float(value: number): { float: number } {
  return { float: value };
}

function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') return { name, type: ATTR.INT, i: value };
  if (Array.isArray(value)) return { name, type: ATTR.INTS, ints: [...(value as number[])] };
  if ('float' in (value as object)) return { name, type: ATTR.FLOAT, f: (value as { float: number }).float };
  return { name, type: ATTR.FLOATS, floats: [...(value as { floats: number[] }).floats] };
}

function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

/** A TensorProto holding `values` (little-endian raw data, as every ONNX consumer reads it). */
export function tensorProto(name: string, dims: readonly number[], dtype: DType, values: ArrayBufferView): TensorProto {
  return { name, dims: [...dims], data_type: onnxTypeOf(dtype), raw_data: bytesOf(values) };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Adds a node; returns its first output. */
  node(
    op: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
  ): string {
    const attribute_ = Object.entries(attrs).map(([name, value]) => attribute(name, value));
    this.nodes.push({ op_type: op, input: [...inputs], output: [...outputs], attribute: attribute_, name: outputs[0] });
    return outputs[0]!;
  }

  /** Adds a node with one fresh output. */
  op(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(op, inputs, [this.fresh(op)], attrs);
  }

  /** An int64 constant initializer (shapes, axes, pads). */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh('const');
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [...dims], data_type: ONNX_INT64, raw_data: bytesOf(data) });
    return name;
  }

  /** A bool constant initializer (a mask). */
  bools(values: readonly boolean[], dims: readonly number[]): string {
    const name = this.fresh('const');
    this.initializers.push({ name, dims: [...dims], data_type: ONNX_BOOL, raw_data: Uint8Array.from(values, Number) });
    return name;
  }

  /** A float32 scalar constant initializer. */
  float32(value: number): string {
    const name = this.fresh('const');
    this.initializers.push({ name, dims: [], data_type: ONNX_FLOAT, raw_data: bytesOf(Float32Array.of(value)) });
    return name;
  }

  /** An int32 scalar constant initializer. */
  int32(value: number): string {
    const name = this.fresh('const');
    this.initializers.push({ name, dims: [], data_type: ONNX_INT32, raw_data: bytesOf(Int32Array.of(value)) });
    return name;
  }

  /** The values of `tensor` as an initializer named `name`. */
  initializer(name: string, tensor: Tensor): string {
    this.initializers.push(tensorProto(name, tensor.shape, tensor.dtype, tensor.dataSync()));
    return name;
  }
}
