/**
 * Byte-level helpers shared by the readers and writers: reading a source (a path on Node, or bytes
 * in memory), naming it in error messages, and writing a file on Node.
 *
 * @example
 * ```ts
 * import { toBytes } from './bytes.js';
 * const { bytes, label } = await toBytes(new Uint8Array([1, 2, 3]));
 * label;   // 'bytes'
 * ```
 * @module
 */
import { RuntimeError } from '../errors.js';

/**
 * What the readers accept: a file path (Node only) or the file's bytes.
 *
 * @example
 * ```ts
 * import { load } from './index.js';
 * await load('model.pt');                  // a path (Node)
 * await load(new Uint8Array(buffer));      // bytes
 * ```
 */
export type Source = string | Uint8Array | ArrayBuffer;

/**
 * Options every reader accepts.
 *
 * @example
 * ```ts
 * import { load } from './index.js';
 * await load(bytes, { name: 'upload.pt' });   // errors say 'upload.pt: ...'
 * ```
 */
export interface SourceOptions {
  /** The name used in error messages for in-memory input (default `'bytes'`). */
  name?: string;
}

/**
 * A source's bytes and the label errors name it by (the path, or `'bytes'`).
 *
 * @example
 * ```ts
 * import { toBytes } from './bytes.js';
 * const { bytes, label } = await toBytes(new ArrayBuffer(4), { name: 'upload.pt' });
 * [bytes.length, label];   // [4, 'upload.pt']
 * ```
 */
export async function toBytes(
  source: Source, options: SourceOptions = {},
): Promise<{ bytes: Uint8Array; label: string }> {
  if (typeof source === 'string') {
    // Lazy so that browser bundles never pull in a Node built-in.
    const fs = await import('node:fs/promises');
    let buf: Uint8Array;
    try {
      buf = await fs.readFile(source);
    } catch (e) {
      throw new RuntimeError(`${source}: cannot read file: ${(e as Error).message}`);
    }
    return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), label: source };
  }
  return { bytes: asBytes(source), label: options.name ?? 'bytes' };
}

/**
 * A `Uint8Array` view of in-memory input (no copy).
 *
 * @example
 * ```ts
 * import { asBytes } from './bytes.js';
 * asBytes(new ArrayBuffer(2)).length;   // 2
 * ```
 */
export function asBytes(source: Uint8Array | ArrayBuffer): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new RuntimeError(`expected a file path, Uint8Array or ArrayBuffer, got ${typeof source}`);
}

/**
 * Writes bytes to a file (Node only; the module is imported lazily).
 *
 * @example
 * ```ts
 * import { writeFile } from './bytes.js';
 * await writeFile('/tmp/x.bin', new Uint8Array([1]));
 * ```
 */
export async function writeFile(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.writeFile(path, bytes);
}

/**
 * A `DataView` over exactly the given bytes.
 *
 * @example
 * ```ts
 * import { view } from './bytes.js';
 * view(new Uint8Array([1, 0])).getUint16(0, true);   // 1
 * ```
 */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads an unsigned 64-bit little-endian integer as a number; larger than 2^53 gives Infinity.
 *
 * @example
 * ```ts
 * import { u64, view } from './bytes.js';
 * u64(view(new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0])), 0);   // 4294967296
 * ```
 */
export function u64(dv: DataView, offset: number): number {
  const lo = dv.getUint32(offset, true);
  const hi = dv.getUint32(offset + 4, true);
  return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8, throwing `RuntimeError` naming `what` on invalid input.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from './bytes.js';
 * decodeUtf8(new Uint8Array([0x68, 0x69]), 'name');   // 'hi'
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new RuntimeError(`${what} is not valid UTF-8`);
  }
}

/**
 * Decodes Latin-1 (each byte one code point), as Python's `latin1` codec does.
 *
 * @example
 * ```ts
 * import { decodeLatin1 } from './bytes.js';
 * decodeLatin1(new Uint8Array([0xe9]));   // 'é'
 * ```
 */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return s;
}
