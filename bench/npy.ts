/**
 * A minimal reader for NumPy `.npy` files (format versions 1-3, C order, little-endian float32
 * or complex64), so the benchmark does not depend on the library's own loaders.
 * @module
 */
import { readFileSync } from 'node:fs';

/** An array read from a `.npy` file; complex64 data is interleaved (re, im). */
export interface NpyArray {
  /** The array's shape. */
  shape: number[];
  /** `'float32'` or `'complex64'`. */
  dtype: 'float32' | 'complex64';
  /** Row-major values; for complex64, 2 floats per element. */
  data: Float32Array;
}

/** Reads a little-endian float32 (`<f4`) or complex64 (`<c8`) `.npy` file. */
export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  if (buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  let dtype: NpyArray['dtype'];
  if (descr === '<f4') dtype = 'float32';
  else if (descr === '<c8') dtype = 'complex64';
  else throw new Error(`${path}: dtype ${descr} is not supported`);
  const offset = start + headerLen;
  const count = shape.reduce((a, b) => a * b, 1) * (dtype === 'complex64' ? 2 : 1);
  const bytes = buf.subarray(offset, offset + count * 4);
  // Copy into an aligned buffer (the file buffer's offset need not be a multiple of 4).
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(bytes);
  return { shape, dtype, data };
}
