/**
 * Raw tensor data → tfjs: decodes torch/NumPy/safetensors element types from a byte buffer,
 * honouring a view's storage offset, sizes and strides (in elements), and byte order.
 *
 * @example
 * ```ts
 * import { gather, toTensor } from './tensor_data.js';
 * const bytes = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
 * // The transpose of a 2x2 row-major matrix: strides [1, 2].
 * const d = gather(bytes, { dtype: 'float32', shape: [2, 2], offset: 0, stride: [1, 2] }, 'w', 'bytes');
 * toTensor(d).arraySync();   // [[1, 3], [2, 4]]
 * ```
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, ValueError } from '../errors.js';
import type { TfDType } from '../dtype.js';

/**
 * Element types found in files, by torch's names.
 *
 * @example
 * ```ts
 * import type { ElementType } from './tensor_data.js';
 * const t: ElementType = 'bfloat16';
 * ```
 */
export type ElementType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16' | 'complex64' | 'complex128'
  | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/**
 * Bytes per element.
 *
 * @example
 * ```ts
 * import { ITEMSIZE } from './tensor_data.js';
 * ITEMSIZE.complex128;   // 16
 * ```
 */
export const ITEMSIZE: Record<ElementType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, complex64: 8, complex128: 16,
  int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

/**
 * The tfjs dtype each element type loads as.
 *
 * @example
 * ```ts
 * import { TF_DTYPE } from './tensor_data.js';
 * TF_DTYPE.int64;   // 'int32'
 * ```
 */
export const TF_DTYPE: Record<ElementType, TfDType> = {
  float32: 'float32', float64: 'float32', float16: 'float32', bfloat16: 'float32',
  complex64: 'complex64', complex128: 'complex64',
  int64: 'int32', int32: 'int32', int16: 'int32', int8: 'int32', uint8: 'int32', bool: 'bool',
};

/**
 * A strided view into a buffer; offset and strides count elements.
 *
 * @example
 * ```ts
 * import type { ViewSpec } from './tensor_data.js';
 * const slice: ViewSpec = { dtype: 'float32', shape: [2, 5], offset: 5, stride: [5, 1] };
 * ```
 */
export interface ViewSpec {
  dtype: ElementType;
  shape: readonly number[];
  offset: number;
  stride: readonly number[];
  /** Byte order of the buffer (default little-endian). */
  littleEndian?: boolean;
}

/**
 * Decoded values, ready for `tf.tensor`; complex values are interleaved (re, im).
 *
 * @example
 * ```ts
 * import { toTensor, type Decoded } from './tensor_data.js';
 * const d: Decoded = { dtype: 'int32', shape: [2], values: new Int32Array([1, 2]) };
 * toTensor(d);
 * ```
 */
export interface Decoded {
  dtype: TfDType;
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Row-major (C order) strides of a shape.
 *
 * @example
 * ```ts
 * import { contiguousStrides } from './tensor_data.js';
 * contiguousStrides([2, 3, 4]);   // [12, 4, 1]
 * ```
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

/** Above this many elements an overlapping (e.g. stride-0) view is refused, to bound memory. */
const MAX_EXPANDED = 1 << 24;

/**
 * Reads the view `spec` out of `bytes` into a fresh typed array, checking every bound first.
 * `name` (the tensor) and `label` (the file) appear in errors.
 *
 * @example
 * ```ts
 * import { gather } from './tensor_data.js';
 * const bytes = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]);
 * gather(bytes, { dtype: 'int64', shape: [1], offset: 0, stride: [1] }, 'n', 'bytes').values;
 * // Int32Array [1]
 * ```
 */
export function gather(bytes: Uint8Array, spec: ViewSpec, name: string, label: string): Decoded {
  const { dtype, shape, offset, stride } = spec;
  const le = spec.littleEndian ?? true;
  const size = ITEMSIZE[dtype];
  const where = `${label}: tensor '${name}'`;
  if (shape.length !== stride.length) {
    throw new RuntimeError(`${where}: shape ${fmt(shape)} and stride ${fmt(stride)} differ in length`);
  }
  const ints = [...shape, ...stride, offset];
  if (ints.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new RuntimeError(`${where}: invalid shape ${fmt(shape)}, stride ${fmt(stride)} or offset ${offset}`);
  }
  let numel = 1;
  let maxIndex = offset;
  for (let i = 0; i < shape.length; i++) {
    numel *= shape[i];
    maxIndex += (shape[i] - 1) * stride[i];
  }
  const storageElems = Math.floor(bytes.length / size);
  if (numel > 0 && (maxIndex + 1) * size > bytes.length) {
    // Torch parity: the wording of at::native::checkSetStorage.
    throw new RuntimeError(
      `${where}: setStorage: sizes ${fmt(shape)}, strides ${fmt(stride)}, storage offset ${offset}, and ` +
      `itemsize ${size} requiring a storage size of ${(maxIndex + 1) * size} are out of bounds for ` +
      `storage of size ${bytes.length}`);
  }
  if (numel > Math.max(storageElems, MAX_EXPANDED)) {
    throw new RuntimeError(
      `${where}: ${numel} elements from a storage of ${storageElems}: overlapping views this large are refused`);
  }
  const outDtype = TF_DTYPE[dtype];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const perElem = dtype === 'complex64' || dtype === 'complex128' ? 2 : 1;
  const values = outDtype === 'bool' ? new Uint8Array(numel)
    : outDtype === 'int32' ? new Int32Array(numel) : new Float32Array(numel * perElem);
  if (numel === 0) return { dtype: outDtype, shape: [...shape], values };
  const cs = contiguousStrides(shape);
  if (le && (dtype === 'float32' || dtype === 'int32') && shape.every((s, i) => s === 1 || stride[i] === cs[i])) {
    // Fast path: a contiguous little-endian block copies straight into the output.
    new Uint8Array(values.buffer).set(bytes.subarray(offset * size, (offset + numel) * size));
    return { dtype: outDtype, shape: [...shape], values };
  }
  const read = reader(dtype, dv, le, values, where);
  // Odometer over the index space, tracking the element index incrementally.
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let elem = offset;
  for (let n = 0; n < numel; n++) {
    read(elem * size, n);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) { elem += stride[d]; break; }
      elem -= (shape[d] - 1) * stride[d];
      idx[d] = 0;
    }
  }
  return { dtype: outDtype, shape: [...shape], values };
}

type Read = (byteOffset: number, n: number) => void;

function reader(
  dtype: ElementType, dv: DataView, le: boolean, out: Float32Array | Int32Array | Uint8Array,
  where: string,
): Read {
  switch (dtype) {
    case 'float32': return (o, n) => { out[n] = dv.getFloat32(o, le); };
    case 'float64': return (o, n) => { out[n] = dv.getFloat64(o, le); };
    case 'float16': return (o, n) => { out[n] = halfToFloat(dv.getUint16(o, le)); };
    case 'bfloat16': {
      const u = new Uint32Array(1);
      const f = new Float32Array(u.buffer);
      return (o, n) => { u[0] = dv.getUint16(o, le) << 16; out[n] = f[0]; };
    }
    case 'complex64':
      return (o, n) => { out[2 * n] = dv.getFloat32(o, le); out[2 * n + 1] = dv.getFloat32(o + 4, le); };
    case 'complex128':
      return (o, n) => { out[2 * n] = dv.getFloat64(o, le); out[2 * n + 1] = dv.getFloat64(o + 8, le); };
    case 'int64':
      return (o, n) => {
        const lo = dv.getUint32(le ? o : o + 4, le);
        const hi = dv.getInt32(le ? o + 4 : o, le);
        if (!((hi === 0 && lo < 0x80000000) || (hi === -1 && lo >= 0x80000000))) {
          const v = (BigInt(hi) << 32n) + BigInt(lo);
          throw new ValueError(
            `${where}: int64 value ${v} does not fit in int32 (TensorFlow.js has no 64-bit integers)`);
        }
        out[n] = lo | 0;
      };
    case 'int32': return (o, n) => { out[n] = dv.getInt32(o, le); };
    case 'int16': return (o, n) => { out[n] = dv.getInt16(o, le); };
    case 'int8': return (o, n) => { out[n] = dv.getInt8(o); };
    case 'uint8': return (o, n) => { out[n] = dv.getUint8(o); };
    case 'bool': return (o, n) => { out[n] = dv.getUint8(o) !== 0 ? 1 : 0; };
  }
}

/**
 * IEEE 754 binary16 bits → number.
 *
 * @example
 * ```ts
 * import { halfToFloat } from './tensor_data.js';
 * halfToFloat(0x3c00);   // 1
 * ```
 */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Makes the tfjs tensor for decoded values (complex via `tf.complex`, with no leaked parts).
 *
 * @example
 * ```ts
 * import { toTensor } from './tensor_data.js';
 * toTensor({ dtype: 'complex64', shape: [1], values: new Float32Array([1, 2]) }).dtype;   // 'complex64'
 * ```
 */
export function toTensor(d: Decoded): tf.Tensor {
  if (d.dtype !== 'complex64') return tf.tensor(d.values, d.shape, d.dtype);
  const v = d.values as Float32Array;
  const n = v.length / 2;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) { re[i] = v[2 * i]; im[i] = v[2 * i + 1]; }
  return tf.tidy(() => tf.complex(tf.tensor(re, d.shape), tf.tensor(im, d.shape)));
}

/** Python's repr of a list of ints: `[2, 3]`. */
function fmt(xs: readonly number[]): string {
  return `[${xs.join(', ')}]`;
}
