/** The element types @nn and ONNX share. */
import { type DType, FormatError } from '@nn/tensor';
import { ONNX_BOOL, ONNX_DOUBLE, ONNX_FLOAT, ONNX_INT32, ONNX_INT64 } from './proto';

const TO_ONNX: Record<DType, number> = { float32: ONNX_FLOAT, float64: ONNX_DOUBLE, int32: ONNX_INT32 };

export function onnxTypeOf(dtype: DType): number {
  return TO_ONNX[dtype];
}

/** The @nn dtype an ONNX element type runs as: int64 and bool become int32 (the integer dtype @nn has). */
export function dtypeOfOnnx(type: number, what: string): DType {
  switch (type) {
    case ONNX_FLOAT:
      return 'float32';
    case ONNX_DOUBLE:
      return 'float64';
    case ONNX_INT32:
    case ONNX_INT64:
    case ONNX_BOOL:
      return 'int32';
    default:
      throw new FormatError(`loadOnnx: ${what} has element type ${type}, which @nn cannot hold`);
  }
}
