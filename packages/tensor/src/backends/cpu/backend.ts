import type { Backend, KernelMap } from '../../backend/interface';
import { StateError } from '../../errors';
import type { DataId, DType, Shape, TypedArray } from '../../types';
import { cpuKernels } from './kernels';

/** The reference backend: plain typed arrays in a Map, computing in float64 where the dtype allows. */
export class CpuBackend implements Backend {
  readonly name: string = 'cpu';
  readonly kernels: KernelMap = cpuKernels;
  private readonly store = new Map<DataId, TypedArray>();

  floatPrecision(): 32 | 64 {
    return 64;
  }

  supportsDType(dtype: DType): boolean {
    return dtype === 'float32' || dtype === 'int32' || dtype === 'float64';
  }

  write(values: TypedArray, _shape: Shape, _dtype: DType, owned = false): DataId {
    const dataId = {};
    this.store.set(dataId, owned ? values : values.slice());
    return dataId;
  }

  readSync(dataId: DataId): TypedArray {
    const values = this.store.get(dataId);
    if (values === undefined) throw new StateError('cpu: read of data that was disposed or never written');
    return values;
  }

  read(dataId: DataId): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(dataId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  disposeData(dataId: DataId): void {
    this.store.delete(dataId);
  }

  numDataIds(): number {
    return this.store.size;
  }

  dispose(): void {
    this.store.clear();
  }
}
