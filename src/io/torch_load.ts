/**
 * `torch.load` for state_dicts: the zip format `torch.save` writes by default, the legacy
 * (`_use_new_zipfile_serialization=False`) format, and safetensors, detected from the bytes.
 *
 * @example
 * ```ts
 * import { load } from './torch_load.js';
 * const sd = await load('lstm.pt');   // { weight_ih_l0: tf.Tensor, ... }
 * ```
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from '../errors.js';
import { toBytes, type Source, type SourceOptions } from './bytes.js';
import { PyGlobal, TensorRef, Unpickler, isTuple, unpickle } from './pickle.js';
import { decodeSafetensors, isSafetensors } from './safetensors.js';
import { gather, toTensor, ITEMSIZE, type Decoded, type ElementType } from './tensor_data.js';
import { isZip, ZipReader } from './zip.js';

/**
 * A state_dict as loaded: names to tensors, in the file's order.
 *
 * @example
 * ```ts
 * import type { LoadedStateDict } from './torch_load.js';
 * import { load } from './torch_load.js';
 * const sd: LoadedStateDict = await load('lstm.pt');
 * ```
 */
export type LoadedStateDict = Record<string, tf.Tensor>;

const STORAGE_DTYPES: Record<string, ElementType> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  ComplexFloatStorage: 'complex64', ComplexDoubleStorage: 'complex128', LongStorage: 'int64',
  IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
  UntypedStorage: 'uint8', float32: 'float32', float64: 'float64', float16: 'float16', bfloat16: 'bfloat16',
  complex64: 'complex64', complex128: 'complex128', int64: 'int64', int32: 'int32', int16: 'int16',
  int8: 'int8', uint8: 'uint8', bool: 'bool',
};

/** A storage a persistent id named; `bytes` is filled in once the format's data is located. */
interface StorageRef {
  key: string;
  dtype: ElementType;
  numel: number;
  view: { key: string; offset: number; size: number } | null;
  bytes?: Uint8Array;
}

// Torch parity: torch.serialization.MAGIC_NUMBER and PROTOCOL_VERSION of the legacy format.
const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/**
 * Loads a state_dict saved by `torch.save(model.state_dict(), path)` (zip or legacy format) or
 * by safetensors, from a path (Node) or bytes. Floats load as float32 (float64, float16 and
 * bfloat16 are converted), complex as complex64, integers as int32 (int64 checked to fit), bool
 * as bool. Views (offsets, strides, shared storages) are honoured. The caller owns the tensors.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * const lstm = new nn.LSTM(10, 20);
 * const sd = await torch.load('lstm.pt');
 * lstm.load_state_dict(sd);
 * tf.dispose(Object.values(sd));
 * ```
 */
export async function load(source: Source, options: SourceOptions = {}): Promise<LoadedStateDict> {
  const { bytes, label } = await toBytes(source, options);
  return loadBytes(bytes, label);
}

/**
 * The synchronous core of {@link load}, for bytes already in memory.
 *
 * @example
 * ```ts
 * import { loadBytes } from './torch_load.js';
 * const sd = loadBytes(new Uint8Array(await (await fetch('/lstm.pt')).arrayBuffer()), 'lstm.pt');
 * ```
 */
export function loadBytes(bytes: Uint8Array, label = 'bytes'): LoadedStateDict {
  let decoded: Map<string, Decoded>;
  if (isZip(bytes)) decoded = loadZip(bytes, label);
  else if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) decoded = loadLegacy(bytes, label);
  else if (isSafetensors(bytes)) return decodeSafetensors(bytes, label);
  else throw new RuntimeError(`${label}: ${unknownFormat(bytes)}`);
  const out: LoadedStateDict = {};
  for (const [k, d] of decoded) out[k] = toTensor(d);
  return out;
}

function unknownFormat(bytes: Uint8Array): string {
  const ascii = (a: number, b: number): string => String.fromCharCode(...bytes.subarray(a, b));
  if (bytes.length === 0) return 'the file is empty';
  if (ascii(0, 6) === '\x93NUMPY') return 'this is a NumPy .npy file: use npy.load';
  if (ascii(257, 262) === 'ustar') return 'the tar format of PyTorch < 0.4 is not supported: re-save it';
  return 'not a torch.save file (zip or legacy pickle) nor a safetensors file';
}

function storageLoader(label: string, refs: StorageRef[]) {
  return (pid: readonly unknown[]): StorageRef => {
    const [, type, key, , numel, viewMeta] = pid;
    const dtype = type instanceof PyGlobal ? STORAGE_DTYPES[type.name] : undefined;
    if (!dtype) throw new RuntimeError(`${label}: unsupported storage type ${String(type)}`);
    if (typeof key !== 'string' || typeof numel !== 'number') {
      throw new RuntimeError(`${label}: malformed storage id for storage ${String(key)}`);
    }
    let view: StorageRef['view'] = null;
    if (isTuple(viewMeta) && viewMeta.length === 3) {
      const [vkey, offset, size] = viewMeta;
      view = { key: String(vkey), offset: Number(offset), size: Number(size) };
    }
    const ref = { key, dtype, numel, view };
    refs.push(ref);
    return ref;
  };
}

/** The state_dict's entries as (name, tensor view) pairs, checked. */
function entries(top: unknown, label: string): [string, TensorRef][] {
  if (!(top instanceof Map)) {
    throw new RuntimeError(`${label}: expected a state_dict (a dict of tensors) at the top level`);
  }
  const out: [string, TensorRef][] = [];
  for (const [k, v] of top) {
    if (typeof k !== 'string') throw new RuntimeError(`${label}: state_dict key ${String(k)} is not a string`);
    if (!(v instanceof TensorRef)) {
      throw new RuntimeError(`${label}: state_dict entry '${k}' is not a tensor; only dicts of tensors load`);
    }
    out.push([k, v]);
  }
  return out;
}

function decodeAll(items: [string, TensorRef][], label: string, le: boolean): Map<string, Decoded> {
  const out = new Map<string, Decoded>();
  for (const [name, t] of items) {
    const s = t.storage as StorageRef;
    const bytes = s.bytes!;
    out.set(name, gather(bytes, { dtype: s.dtype, shape: t.shape, offset: t.offset, stride: t.stride, littleEndian: le },
      name, label));
  }
  return out;
}

function loadZip(bytes: Uint8Array, label: string): Map<string, Decoded> {
  const zip = new ZipReader(bytes, label);
  const first = zip.names()[0] ?? '';
  // Torch parity: PyTorchStreamReader takes the archive folder from the first entry's name.
  const prefix = first.includes('/') ? first.slice(0, first.indexOf('/') + 1) : '';
  if (!zip.has(`${prefix}data.pkl`)) {
    throw new RuntimeError(`${label}: PytorchStreamReader failed locating file data.pkl: file not found`);
  }
  const refs: StorageRef[] = [];
  const top = unpickle(zip.read(`${prefix}data.pkl`), { label, persistentLoad: storageLoader(label, refs) });
  const items = entries(top, label);
  const cache = new Map<string, Uint8Array>();
  for (const r of refs) {
    const path = `${prefix}data/${r.key}`;
    if (!zip.has(path)) {
      throw new RuntimeError(`${label}: PytorchStreamReader failed locating file data/${r.key}: file not found`);
    }
    if (!cache.has(path)) cache.set(path, zip.read(path));
    r.bytes = cache.get(path)!;
  }
  // Torch parity: torch >= 2.1 records the writer's byte order and swaps on load when it differs.
  const order = zip.has(`${prefix}byteorder`) ? new TextDecoder().decode(zip.read(`${prefix}byteorder`)) : 'little';
  return decodeAll(items, label, order.trim() !== 'big');
}

function loadLegacy(bytes: Uint8Array, label: string): Map<string, Decoded> {
  let pos = 0;
  const next = (persistentLoad?: (pid: readonly unknown[]) => unknown): unknown => {
    const u = new Unpickler(bytes, { label, persistentLoad }, pos);
    const v = u.load();
    pos = u.end;
    return v;
  };
  // Torch parity: the checks and messages of torch.serialization._legacy_load.
  if (next() !== MAGIC) throw new RuntimeError(`${label}: Invalid magic number; corrupt file?`);
  const version = next();
  if (version !== PROTOCOL_VERSION) throw new RuntimeError(`${label}: Invalid protocol version: ${String(version)}`);
  next(); // sys_info
  const refs: StorageRef[] = [];
  const items = entries(next(storageLoader(label, refs)), label);
  const keys = next();
  if (!Array.isArray(keys)) throw new RuntimeError(`${label}: storage key list is missing`);
  const byKey = new Map<string, StorageRef>();
  for (const r of refs) if (!r.view) byKey.set(r.key, r);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  for (const key of keys) {
    const ref = byKey.get(String(key));
    if (!ref) throw new RuntimeError(`${label}: storage '${String(key)}' is listed but never used`);
    const size = ITEMSIZE[ref.dtype];
    if (pos + 8 > bytes.length) throw new RuntimeError(`${label}: storage '${ref.key}' is missing (file truncated)`);
    // Torch parity: storage data is always little-endian (THPStorage_writeFileRaw converts on
    // big-endian hosts, whatever sys_info says); only old writers put the count in native order.
    let numel = Number(dv.getBigUint64(pos, true));
    if (numel !== ref.numel && Number(dv.getBigUint64(pos, false)) === ref.numel) numel = ref.numel;
    pos += 8;
    if (numel * size > bytes.length - pos) {
      throw new RuntimeError(`${label}: storage '${ref.key}' needs ${numel * size} bytes but only ` +
        `${bytes.length - pos} remain (file truncated)`);
    }
    data.set(ref.key, bytes.subarray(pos, pos + numel * size));
    pos += numel * size;
  }
  for (const r of refs) {
    const root = data.get(r.view ? r.view.key : r.key);
    if (!root) throw new RuntimeError(`${label}: storage '${r.key}' has no data`);
    const size = ITEMSIZE[r.dtype];
    r.bytes = r.view ? root.subarray(r.view.offset * size, (r.view.offset + r.view.size) * size) : root;
  }
  return decodeAll(items, label, true);
}
