/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets}}` with an optional
 * `__metadata__`, then the raw little-endian data. Reader and writer, validating like the Rust crate.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { safetensors } from 'tfjs-torch';
 * const bytes = await safetensors.save_file({ w: tf.ones([2, 3]) }, 'model.safetensors');
 * const sd = await safetensors.load_file('model.safetensors');   // { w: tf.Tensor }
 * ```
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { readSync } from '../read.js';
import { RuntimeError, ValueError } from '../errors.js';
import { asBytes, decodeUtf8, toBytes, u64, view, writeFile, type Source, type SourceOptions } from './bytes.js';
import { contiguousStrides, gather, toTensor, ITEMSIZE, type Decoded, type ElementType } from './tensor_data.js';

const FROM_NAME: Record<string, ElementType> = {
  F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32',
  I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool', C64: 'complex64',
};
const TO_NAME: Record<string, string> = { float32: 'F32', int32: 'I32', bool: 'BOOL', complex64: 'C64' };
// Torch parity (safetensors' Rust crate): the Dtype enum's order; `prepare` lays tensors out by
// this order descending, then by name, and writes the header in that same order.
const DTYPE_RANK = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64'];
/** The Rust crate's MAX_HEADER_SIZE. */
const MAX_HEADER = 100_000_000;

/**
 * Whether the bytes look like a safetensors file (a header length then `{`).
 *
 * @example
 * ```ts
 * import { isSafetensors } from './safetensors.js';
 * isSafetensors(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]));   // true
 * ```
 */
export function isSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 9 && bytes[8] === 0x7b;
}

/**
 * Decodes safetensors bytes into tensors (in header order); `label` names the input in errors.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from './safetensors.js';
 * decodeSafetensors(new Uint8Array(4), 'x.safetensors');
 * // RuntimeError: x.safetensors: safetensors: HeaderTooSmall: the file has 4 bytes, fewer than 8
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, label = 'bytes'): Record<string, tf.Tensor> {
  const err = (what: string): RuntimeError => new RuntimeError(`${label}: safetensors: ${what}`);
  if (bytes.length < 8) throw err(`HeaderTooSmall: the file has ${bytes.length} bytes, fewer than 8`);
  const n = u64(view(bytes), 0);
  if (n > MAX_HEADER) throw err(`HeaderTooLarge: the header claims ${n} bytes (limit ${MAX_HEADER})`);
  if (n > bytes.length - 8) throw err(`InvalidHeaderLength: the header claims ${n} bytes but the file has ${bytes.length - 8} after the length`);
  let header: unknown;
  try {
    header = JSON.parse(decodeUtf8(bytes.subarray(8, 8 + n), 'the header'));
  } catch (e) {
    throw err(`InvalidHeaderDeserialization: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw err('InvalidHeader: not a JSON object');
  const data = bytes.subarray(8 + n);
  const specs: { name: string; dtype: ElementType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offs } = (info ?? {}) as Record<string, unknown>;
    const et = FROM_NAME[String(dtype)];
    if (!et) throw err(`tensor '${name}' has unsupported dtype ${JSON.stringify(dtype)}`);
    const okInts = (v: unknown, len?: number): v is number[] => Array.isArray(v) &&
      (len === undefined || v.length === len) && v.every((x) => Number.isSafeInteger(x) && x >= 0);
    if (!okInts(shape) || !okInts(offs, 2) || offs[0] > offs[1]) {
      throw err(`InvalidHeaderDeserialization: tensor '${name}' needs a shape and data_offsets [begin, end]`);
    }
    const bytesNeeded = shape.reduce((a, b) => a * b, 1) * ITEMSIZE[et];
    if (!Number.isSafeInteger(bytesNeeded)) throw err(`ValidationOverflow: tensor '${name}' is too large`);
    if (offs[1] - offs[0] !== bytesNeeded) {
      throw err(`TensorInvalidInfo: tensor '${name}' of shape [${shape.join(', ')}] needs ${bytesNeeded} bytes, ` +
        `data_offsets [${offs.join(', ')}] give ${offs[1] - offs[0]}`);
    }
    specs.push({ name, dtype: et, shape, begin: offs[0], end: offs[1] });
  }
  // Torch parity (Rust crate `validate`): tensors must tile the data exactly, no gaps or overlaps.
  let at = 0;
  for (const s of [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (s.begin !== at) throw err(`InvalidOffset: tensor '${s.name}' starts at ${s.begin}, expected ${at} (gap or overlap)`);
    at = s.end;
  }
  if (at !== data.length) throw err(`MetadataIncompleteBuffer: the tensors cover ${at} bytes of ${data.length}`);
  const decoded: [string, Decoded][] = specs.map((s) => [s.name, gather(data.subarray(s.begin, s.end),
    { dtype: s.dtype, shape: s.shape, offset: 0, stride: contiguousStrides(s.shape) }, s.name, label)]);
  const out: Record<string, tf.Tensor> = {};
  for (const [name, d] of decoded) out[name] = toTensor(d);
  return out;
}

/**
 * Loads a safetensors file from a path (Node) or bytes, like `safetensors.torch.load_file`.
 *
 * @example
 * ```ts
 * import { safetensors } from 'tfjs-torch';
 * const sd = await safetensors.load_file('model.safetensors');
 * ```
 */
export async function load_file(source: Source, options: SourceOptions = {}): Promise<Record<string, tf.Tensor>> {
  const { bytes, label } = await toBytes(source, options);
  return decodeSafetensors(bytes, label);
}

/**
 * Decodes safetensors bytes synchronously, like `safetensors.torch.load(data)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { safetensors } from 'tfjs-torch';
 * safetensors.load(safetensors.save({ b: tf.tensor1d([1, 2]) })).b.arraySync();   // [1, 2]
 * ```
 */
export function load(data: Uint8Array | ArrayBuffer): Record<string, tf.Tensor> {
  return decodeSafetensors(asBytes(data), 'bytes');
}

/**
 * Encodes tensors as safetensors bytes, like `safetensors.torch.save(tensors, metadata)`.
 * float32 → F32, int32 → I32, bool → BOOL, complex64 → C64.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { safetensors } from 'tfjs-torch';
 * const bytes = safetensors.save({ w: tf.zeros([2]) }, { format: 'pt' });
 * ```
 */
export function save(tensors: Record<string, tf.Tensor>, metadata?: Record<string, string>): Uint8Array {
  const items = Object.entries(tensors).map(([name, t]) => {
    const dtype = TO_NAME[t.dtype];
    if (!dtype) throw new ValueError(`cannot save tensor '${name}' of dtype ${t.dtype} to safetensors`);
    return { name, t, dtype };
  });
  items.sort((a, b) => DTYPE_RANK.indexOf(b.dtype) - DTYPE_RANK.indexOf(a.dtype) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, t, dtype } of items) {
    const vals = readSync(t, `tensor ${JSON.stringify(name)}`);
    const raw = t.dtype === 'bool' ? Uint8Array.from(vals as Uint8Array, (v) => (v ? 1 : 0))
      : new Uint8Array((vals as Float32Array | Int32Array).slice().buffer);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + raw.length] };
    chunks.push(raw);
    offset += raw.length;
  }
  let json = JSON.stringify(header);
  // Torch parity (Rust crate): pad the header with spaces to a multiple of 8 bytes.
  let hbytes = new TextEncoder().encode(json);
  json += ' '.repeat((8 - (hbytes.length % 8)) % 8);
  hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + offset);
  view(out).setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let p = 8 + hbytes.length;
  for (const c of chunks) { out.set(c, p); p += c.length; }
  return out;
}

/**
 * Encodes tensors as safetensors and, given a path (Node), writes the file; resolves to the bytes.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { safetensors } from 'tfjs-torch';
 * await safetensors.save_file({ w: tf.ones([3]) }, 'w.safetensors');
 * ```
 */
export async function save_file(
  tensors: Record<string, tf.Tensor>, path?: string, metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const bytes = save(tensors, metadata);
  if (path !== undefined) await writeFile(path, bytes);
  return bytes;
}
