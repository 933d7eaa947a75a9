/**
 * NumPy's `.npy` format (versions 1.0, 2.0 and 3.0): `\x93NUMPY`, version, a header length, a
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, then the data.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { npy } from 'tfjs-torch';
 * await npy.save(tf.tensor2d([[1, 2], [3, 4]]), 'x.npy');
 * (await npy.load('x.npy')).arraySync();   // [[1, 2], [3, 4]]
 * ```
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { readSync } from '../read.js';
import { ValueError } from '../errors.js';
import { asBytes, decodeLatin1, decodeUtf8, toBytes, view, writeFile, type Source, type SourceOptions } from './bytes.js';
import { contiguousStrides, gather, toTensor, ITEMSIZE, type ElementType } from './tensor_data.js';

const KINDS: Record<string, ElementType> = {
  f4: 'float32', f8: 'float64', f2: 'float16', c8: 'complex64', c16: 'complex128',
  i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', b1: 'bool',
};
const DESCR: Record<string, string> = { float32: '<f4', int32: '<i4', bool: '|b1', complex64: '<c8' };
const MAGIC = '\x93NUMPY';

/**
 * Decodes `.npy` bytes into a tensor; `label` names the input in errors.
 *
 * @example
 * ```ts
 * import { npy } from 'tfjs-torch';
 * npy.decode(new Uint8Array(3));
 * // ValueError: bytes: the magic string is not correct; expected b'\x93NUMPY', got ...
 * ```
 */
export function decode(bytes: Uint8Array | ArrayBuffer, label = 'bytes'): tf.Tensor {
  const b = asBytes(bytes);
  // Torch parity (NumPy's numpy.lib.format messages, prefixed with the file).
  const fail = (what: string): never => { throw new ValueError(`${label}: ${what}`); };
  if (b.length < 10 || decodeLatin1(b.subarray(0, 6)) !== MAGIC) {
    fail(`the magic string is not correct; expected b'\\x93NUMPY', got ${JSON.stringify(decodeLatin1(b.subarray(0, 6)))}`);
  }
  const major = b[6];
  const minor = b[7];
  if (![1, 2, 3].includes(major) || minor !== 0) fail(`we only support format version (1,0), (2,0), and (3,0), not (${major}, ${minor})`);
  const dv = view(b);
  const lenSize = major === 1 ? 2 : 4;
  if (b.length < 8 + lenSize) fail('EOF at the header length');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenSize;
  if (start + hlen > b.length) fail(`EOF: reading array header, expected ${hlen} bytes got ${b.length - start}`);
  const raw = b.subarray(start, start + hlen);
  const text = major === 3 ? decodeUtf8(raw, `${label}: the header`) : decodeLatin1(raw);
  const { descr, fortran, shape } = parseHeader(text, fail);
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const et = m ? KINDS[m[2]] : undefined;
  if (!m || !et) return fail(`descr is not a valid dtype descriptor: ${JSON.stringify(descr)} (supported: f2 f4 f8 c8 c16 i1 i2 i4 i8 u1 b1)`);
  const data = b.subarray(start + hlen);
  const numel = shape.reduce((x, y) => x * y, 1);
  const needed = numel * ITEMSIZE[et];
  if (!Number.isSafeInteger(needed) || needed > data.length) {
    fail(`EOF: reading array data, expected ${needed} bytes got ${data.length}`);
  }
  let stride = contiguousStrides(shape);
  if (fortran) {
    stride = [];
    let acc = 1;
    for (const s of shape) { stride.push(acc); acc *= s; }
  }
  return toTensor(gather(data, { dtype: et, shape, offset: 0, stride, littleEndian: m[1] !== '>' }, 'array', label));
}

function parseHeader(text: string, fail: (w: string) => never): { descr: string; fortran: boolean; shape: number[] } {
  const t = text.trim();
  // Keys may come in any order, but exactly these three must be present.
  const pick = (key: string, pat: string): string | undefined => new RegExp(`'${key}'\\s*:\\s*${pat}`).exec(t)?.[1];
  const descr = pick('descr', "'([^']*)'");
  const fo = pick('fortran_order', '(True|False)');
  const shapeText = pick('shape', '\\(([^)]*)\\)');
  const keys = [...t.matchAll(/'([a-z_]+)'\s*:/g)].map((k) => k[1]).sort().join(', ');
  if (!t.startsWith('{') || !t.endsWith('}') || keys !== 'descr, fortran_order, shape' ||
      descr === undefined || fo === undefined || shapeText === undefined) {
    return fail(`Header does not contain the correct keys: ${JSON.stringify(t)}`);
  }
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const shape = parts.map(Number);
  if (!shape.every((v) => Number.isSafeInteger(v) && v >= 0) || parts.some((p) => !/^\d+$/.test(p))) {
    fail(`shape is not valid: (${shapeText})`);
  }
  return { descr, fortran: fo === 'True', shape };
}

/**
 * Loads a `.npy` file from a path (Node) or bytes, like `numpy.load`. float64 loads as float32,
 * int64 as int32 (checked), complex128 as complex64; Fortran-ordered arrays are reordered.
 *
 * @example
 * ```ts
 * import { npy } from 'tfjs-torch';
 * const x = await npy.load('x.npy');
 * ```
 */
export async function load(source: Source, options: SourceOptions = {}): Promise<tf.Tensor> {
  const { bytes, label } = await toBytes(source, options);
  return decode(bytes, label);
}

/**
 * Encodes a tensor as `.npy` bytes (format 1.0, or 2.0 for huge headers), C order, like `numpy.save`.
 * float32 → `<f4`, int32 → `<i4`, bool → `|b1`, complex64 → `<c8`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { npy } from 'tfjs-torch';
 * npy.encode(tf.tensor1d([1, 2, 3])).length;   // 140 (128-byte header, like numpy.save)
 * ```
 */
export function encode(tensor: tf.Tensor): Uint8Array {
  const descr = DESCR[tensor.dtype];
  if (!descr) throw new ValueError(`cannot save a tensor of dtype ${tensor.dtype} to .npy`);
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Torch parity (numpy.lib.format._write_array_header): room for the first axis to grow in place.
  if (tensor.shape.length > 0) header += ' '.repeat(Math.max(0, 21 - String(tensor.shape[0]).length));
  const vals = readSync(tensor, 'the tensor to save');
  const data = tensor.dtype === 'bool' ? Uint8Array.from(vals as Uint8Array, (v) => (v ? 1 : 0))
    : new Uint8Array((vals as Float32Array | Int32Array).slice().buffer);
  // Torch parity (numpy.lib.format._wrap_header): pad with spaces so the data starts 64-aligned.
  let major = 1;
  let pre = 10;
  if (header.length + 1 + 10 > 0xffff) { major = 2; pre = 12; }
  header += ' '.repeat(64 - ((pre + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(pre + header.length + data.length);
  for (let i = 0; i < 6; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = major;
  out[7] = 0;
  if (major === 1) view(out).setUint16(8, header.length, true);
  else view(out).setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, pre + header.length);
  return out;
}

/**
 * Encodes a tensor as `.npy` and, given a path (Node), writes the file; resolves to the bytes.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { npy } from 'tfjs-torch';
 * await npy.save(tf.eye(3), 'eye.npy');
 * ```
 */
export async function save(tensor: tf.Tensor, path?: string): Promise<Uint8Array> {
  const bytes = encode(tensor);
  if (path !== undefined) await writeFile(path, bytes);
  return bytes;
}
